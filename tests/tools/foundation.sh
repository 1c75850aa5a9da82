#!/usr/bin/env bash
# Acceptance checks for the engine foundation, runnable from the project root:
# (A copy of the project's external acceptance check, kept here so that a fresh clone runs it in CI.)
#   tests/tools/foundation.sh path/to/brocken
# Checks: output bit-identical at 1/2/4 threads; xarray reads the root contract; a bad scenario
# gets file:line:column errors, exit 2 and no output file; an existing output is not overwritten.
set -u
B=${1:?usage: foundation.sh path/to/brocken}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S=scenarios/baseline.yaml
[ -f "$S" ] || fail "no $S"
for t in 1 2 4; do
  "$B" run "$S" -o "$W/t$t.h5" --threads "$t" >"$W/run$t.log" 2>&1 || fail "run --threads $t: $(tail -n 1 "$W/run$t.log")"
done
$PY "$HERE/h5same.py" "$W/t1.h5" "$W/t2.h5" "$W/t4.h5" || fail "output differs between thread counts"
$PY "$HERE/xr_root.py" "$W/t1.h5" || fail "root contract not readable by xarray"
cat >"$W/bad.yaml" <<YAML
extends: $PWD/$S
seed: "not-a-number"
no_such_key_anywhere: 1
YAML
"$B" validate "$W/bad.yaml" >"$W/bad.log" 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "validate on a bad scenario exited $rc, not 2"
[ "$(grep -c 'bad\.yaml:[0-9]*:[0-9]*' "$W/bad.log")" -ge 2 ] || fail "expected one file:line:column line per problem, got: $(cat "$W/bad.log")"
"$B" run "$W/bad.yaml" -o "$W/bad.h5" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "run on a bad scenario exited $rc, not 2"
[ ! -e "$W/bad.h5" ] || fail "a bad scenario left an output file"
sum=$(md5sum <"$W/t1.h5")
"$B" run "$S" -o "$W/t1.h5" >/dev/null 2>&1 && fail "an existing output was overwritten without --force"
[ "$sum" = "$(md5sum <"$W/t1.h5")" ] || fail "an existing output changed"
echo "foundation checks pass"
