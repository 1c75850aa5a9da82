#!/usr/bin/env bash
# End-to-end check of the calibration command (tools/calibrate/calibrate.py, docs/calibration.md):
#  1. a tiny fit (tests/tools/calibrate/tiny.yaml) writes a fitted scenario that brocken accepts,
#     that extends the config's scenario and holds the parameter within its bounds, and a
#     document with the target and parameter tables;
#  2. --evaluate on that fitted file writes the same document again, byte for byte (common
#     random numbers: the runs are bit-identical);
#  3. --evaluate on the repository's own config reproduces docs/calibration.md exactly (with
#     FULL=yes; the default config's evaluation takes about 10-20 s on 2 cores);
#  4. a config with a missing key is refused, naming the file and the key.
#   tests/tools/calibrate_test.sh path/to/brocken [python [FULL]]
set -u
B=${1:?usage: calibrate_test.sh path/to/brocken [python [FULL]]}
PY=${2:-/usr/bin/python3}
FULL=${3:-yes}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TOOL="$ROOT/tools/calibrate/calibrate.py"

# 1. A tiny fit. The config's paths are relative to it: put it beside the repository's copy.
CFG="$ROOT/tests/tools/calibrate/tiny-$$.yaml"
trap 'rm -rf "$W" "$CFG"' EXIT
sed -e "s|FITTED|$W/fitted.yaml|" -e "s|DOC|$W/calibration.md|" \
  "$ROOT/tests/tools/calibrate/tiny.yaml" >"$CFG"
"$PY" "$TOOL" "$CFG" --brocken "$B" >"$W/fit.log" 2>&1 || fail "the fit exited $?: $(tail -n 5 "$W/fit.log")"
[ -f "$W/fitted.yaml" ] || fail "no fitted scenario"
grep -q "^extends: .*scenarios/migration/default.yaml$" "$W/fitted.yaml" ||
  fail "the fitted scenario does not extend the config's scenario: $(cat "$W/fitted.yaml")"
"$B" validate "$W/fitted.yaml" >"$W/validate.log" 2>&1 ||
  fail "brocken refuses the fitted scenario: $(cat "$W/validate.log")"
value=$(sed -n 's/^ *blue_card: \([0-9.eE+-]*\) .*/\1/p' "$W/fitted.yaml")
[ -n "$value" ] || fail "no fitted blue_card factor: $(cat "$W/fitted.yaml")"
"$PY" -c "import sys; v = float('$value'); sys.exit(0 if 0.05 <= v <= 5.0 else 1)" ||
  fail "fitted value $value outside its bounds"
evaluations=$(grep -c '^ *[0-9]* *loss' "$W/fit.log")
[ "$evaluations" -ge 2 ] && [ "$evaluations" -le 4 ] || fail "$evaluations evaluations, expected 2-4"
for heading in '## Targets' '## Fitted parameters' '## Method'; do
  grep -qF "$heading" "$W/calibration.md" || fail "no '$heading' in the document"
done
grep -q '^| Blue Card holders in Germany after 5 years | test | 0.830 | ± 0.050 | 0\.[0-9]* ± 0\.[0-9]* | \(yes\|\*\*no\*\*\) |$' \
  "$W/calibration.md" || fail "no target row: $(grep '^|' "$W/calibration.md")"
grep -q "^| \`models.departure.channel_multipliers.blue_card\` | $value | 0.05 – 5.0 | test |$" \
  "$W/calibration.md" || fail "no parameter row with $value"

# 2. --evaluate reproduces the document.
cp "$W/calibration.md" "$W/first.md"
"$PY" "$TOOL" "$CFG" --brocken "$B" --evaluate >"$W/eval.log" 2>&1 ||
  fail "--evaluate exited $?: $(tail -n 5 "$W/eval.log")"
cmp -s "$W/first.md" "$W/calibration.md" ||
  fail "--evaluate wrote another document: $(diff "$W/first.md" "$W/calibration.md")"

# 3. The repository's calibration document is what its config and fitted file give.
if [ "$FULL" = yes ]; then
  "$PY" "$TOOL" "$ROOT/tools/calibrate/retention.yaml" --brocken "$B" --evaluate \
    --doc "$W/repo.md" >"$W/repo.log" 2>&1 || fail "--evaluate (repository) exited $?: $(tail -n 5 "$W/repo.log")"
  cmp -s "$ROOT/docs/calibration.md" "$W/repo.md" ||
    fail "docs/calibration.md is not what the calibration gives; rerun tools/calibrate/calibrate.py tools/calibrate/retention.yaml --evaluate: $(diff "$ROOT/docs/calibration.md" "$W/repo.md")"
fi

# 4. A broken config names the file and the key.
grep -v '^scenario:' "$CFG" >"$W/broken.yaml"
out=$("$PY" "$TOOL" "$W/broken.yaml" --brocken "$B" 2>&1) && fail "a config without 'scenario' was accepted"
echo "$out" | grep -q "broken.yaml: missing required key 'scenario'" || fail "unclear error: $out"
echo "calibrate_test: ok"
