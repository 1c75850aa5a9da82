#!/usr/bin/env bash
# End-to-end check of the comparison with the official projections (tools/validation/run.sh and
# compare_projections.py, docs/validation.md) on a small run: the smoke scenario over the
# baseline's horizon at 1 % (SCALE: another population.scale, for a quicker try by hand; CTest
# runs it in builds without a sanitizer only). It checks that the tools work, not the numbers:
#   tests/tools/validation_test.sh path/to/brocken [python [SCALE]]
set -u
B=${1:?usage: validation_test.sh path/to/brocken [python [SCALE]]}
PY=${2:-/usr/bin/python3}
SETS=(--set months=204)
[ -z "${3:-}" ] || SETS+=(--set "population.scale=$3")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# run.sh writes between the markers of a document and leaves the rest alone.
printf 'before\n<!-- BEGIN projections -->\nstale table\n<!-- END projections -->\nafter\n' >"$W/doc.md"
BROCKEN=$B PYTHON=$PY SCENARIO=scenarios/smoke.yaml DOC=$W/doc.md KEEP=$W/run.h5 \
  "$ROOT/tools/validation/run.sh" "${SETS[@]}" >"$W/run.log" 2>&1 ||
  fail "run.sh exited $?: $(tail -n 3 "$W/run.log")"
[ "$(head -n 2 "$W/doc.md")" = "$(printf 'before\n<!-- BEGIN projections -->')" ] ||
  fail "text before the table changed"
[ "$(tail -n 2 "$W/doc.md")" = "$(printf '<!-- END projections -->\nafter')" ] ||
  fail "text after the table changed"
! grep -q 'stale table' "$W/doc.md" || fail "the old table is still there"

# The script on its own: three tables, with rows.
"$PY" "$ROOT/tools/validation/compare_projections.py" "$W/run.h5" >"$W/table.md" ||
  fail "compare_projections.py exited $?"
cmp -s <(sed -n '/^Model run:/,/^<!-- END projections -->$/p' "$W/doc.md" | sed '$d') \
  <(cat "$W/table.md"; echo) ||
  fail "the document does not hold the script's output"
for heading in '**Levels and flows**' '**Changes**' '**Not computed:**'; do
  grep -qF "$heading" "$W/table.md" || fail "no '$heading' table"
done
rows=$(grep -c '^| RBP7 | Sachsen-Anhalt (15) |' "$W/table.md")
[ "$rows" -ge 10 ] || fail "only $rows RBP7 state rows: $(cat "$W/table.md")"
grep -q '^| RBP7 | Sachsen-Anhalt (15) | population | 2035 | 1,901,254 | [0-9,]* | [-+][0-9.]* % |' \
  "$W/table.md" || fail "no population 2035 row with a relative error"
grep -q '^| RBP7 | Sachsen-Anhalt (15) | mean_age | 2035 | 49.1 | [0-9.]* |' "$W/table.md" ||
  fail "no mean age row (single-year bands)"
grep -q '| TFR_assumption | 2020 | .* | an input assumption' "$W/table.md" ||
  fail "the input assumptions are not listed as not computed"
# Every data row of projections.csv appears in some table.
csv_rows=$(grep -vc '^#' "$ROOT/data/sachsen-anhalt/projections.csv")
csv_rows=$((csv_rows - 1))
for ind in $(grep -v '^#' "$ROOT/data/sachsen-anhalt/projections.csv" | tail -n +2 | cut -d, -f4 | sort -u); do
  grep -q "| $ind |" "$W/table.md" || fail "indicator $ind appears in no table"
done

# Default age bands: indicators by age are listed as not computed, with the reason.
"$B" run scenarios/smoke.yaml -o "$W/coarse.h5" "${SETS[@]}" >/dev/null 2>&1 || fail "coarse run"
"$PY" "$ROOT/tools/validation/compare_projections.py" "$W/coarse.h5" >"$W/coarse.md" ||
  fail "compare_projections.py on default bands exited $?"
grep -qF '| mean_age | 2035 | 49.1 years | age bands up to 18 years wide' "$W/coarse.md" ||
  fail "mean age with coarse bands not refused: $(grep mean_age "$W/coarse.md")"

# Bad input: exit 2.
"$PY" "$ROOT/tools/validation/compare_projections.py" "$W/missing.h5" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "a missing file gave exit $rc, not 2"
# The issue-10 targets (targets.py) on an ensemble of two replications: one row per figure, an
# interval of the mean, and the observed values read from the data.
"$B" run scenarios/smoke.yaml -o "$W/ens.h5" --set months=84 --set replications=2 \
  --set population.scale=0.005 >/dev/null 2>&1 || fail "ensemble run"
"$PY" "$ROOT/tools/validation/targets.py" "$W/ens.h5" >"$W/targets.md" ||
  fail "targets.py exited $?: $(cat "$W/targets.md")"
grep -q '^Run: `ens.h5`, 2 replication(s)' "$W/targets.md" || fail "targets: no run line"
trows=$(grep -c '^| [a-z].* | \(yes\|\*\*no\*\*\|unclear\) |$' "$W/targets.md")
[ "$trows" -ge 14 ] || fail "targets: only $trows rows: $(cat "$W/targets.md")"
grep -q '^| registered unemployed 2024 | 84,801 | [0-9,]* | [0-9,]* – [0-9,]* | ± [0-9,]* | within 7 % |' \
  "$W/targets.md" || fail "targets: no unemployed 2024 row with an interval"
# run.sh with TABLE=targets and MARKER: writes between that marker's lines only.
printf '<!-- BEGIN targets -->\nkeep\n<!-- END targets -->\n<!-- BEGIN small -->\nstale\n<!-- END small -->\n' \
  >"$W/t.md"
BROCKEN=$B PYTHON=$PY SCENARIO=scenarios/smoke.yaml DOC=$W/t.md TABLE=targets MARKER=small \
  "$ROOT/tools/validation/run.sh" --set months=24 --set population.scale=0.005 >/dev/null 2>&1 ||
  fail "run.sh TABLE=targets MARKER=small exited $?"
grep -q '^keep$' "$W/t.md" || fail "MARKER: the other table changed"
! grep -q '^stale$' "$W/t.md" || fail "MARKER: the marked table was not replaced"
grep -q '^| registered unemployed 2024 |' "$W/t.md" || fail "MARKER: no targets table written"
echo "validation tools: OK ($rows RBP7 state rows, $csv_rows rows in projections.csv, $trows target rows)"
