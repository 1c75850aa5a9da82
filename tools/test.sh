#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite. For each preset in turn, tools/setup.sh installs
# any missing Debian package and configures and builds, then CTest runs every test. By default:
# the optimised build (which also runs the full-scale acceptance checks) and both sanitizer
# builds (address+undefined, thread), then the `fuzz` preset: the libFuzzer targets run for
# BROCKEN_FUZZ_SECONDS (default 60) each (docs/fuzzing.md; 0 = build them only). Stops at the
# first preset that fails.
#   tools/test.sh [PRESET...]        e.g. tools/test.sh release
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
presets=("$@")
[ "${#presets[@]}" -gt 0 ] || presets=(release asan tsan fuzz)

for preset in "${presets[@]}"; do
  start=$(date +%s)
  echo "== ${preset}: set up and build" >&2
  tools/setup.sh "$preset"
  if [ "$preset" = fuzz ]; then
    seconds=${BROCKEN_FUZZ_SECONDS:-60}
    if [ "$seconds" -gt 0 ]; then
      fuzz/run.sh "$seconds" || { echo "== fuzz: a fuzz target failed (docs/fuzzing.md)" >&2; exit 1; }
    fi
    echo "== ${preset}: passed in $(($(date +%s) - start)) s" >&2
    continue
  fi
  echo "== ${preset}: test" >&2
  log="build/${preset}/ctest.log"
  rc=0
  # Every test has a CTest TIMEOUT sized for this preset on a busy 2-core machine (heavy tests
  # run smaller under the sanitizers: tests/CMakeLists.txt); ctest's --timeout would not override
  # it. The slowest tests are printed so that one creeping towards its timeout is seen early.
  # Four test processes per core: many tests wait on child processes, files or Python, and on a
  # busy machine more runnable processes keep the suite's share of the CPU.
  ctest --preset "$preset" --output-on-failure -j"$((4 * $(nproc)))" >"$log" 2>&1 || rc=$?
  # Passing tests are one line each in the log; show the failures and the summary.
  grep -Ev '^ *(Start +[0-9]+:|[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed)' "$log" || true
  echo "== ${preset}: slowest tests" >&2
  sed -nE 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .* ([0-9.]+) sec$/\2 s  \1/p' "$log" |
    sort -rn | head -n 5 >&2 || true
  [ "$rc" -eq 0 ] || { echo "== ${preset}: tests failed (full log: $log)" >&2; exit 1; }
  echo "== ${preset}: passed in $(($(date +%s) - start)) s" >&2
done
echo "all tests passed (${presets[*]})" >&2
