#!/usr/bin/env bash
# Runs the libFuzzer targets of the fuzz preset for a while each (docs/fuzzing.md).
#   fuzz/run.sh [SECONDS] [TARGET...]     default: 60 s, both targets (scenario csv)
# Build first: tools/setup.sh fuzz. New corpus entries go to build/fuzz/corpus/<target>/ (kept
# between runs, never committed); a crash is written to build/fuzz/artifacts/<target>/ and
# fails the run: copy it to fuzz/regressions/<target>/ once fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(scenario csv)

declare -A seeds=(
  [scenario]="fuzz/corpus/scenario scenarios tests/hostile/scenario fuzz/regressions/scenario"
  [csv]="fuzz/corpus/csv data/sachsen-anhalt fuzz/regressions/csv"
)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The targets run side by side (one core each), so the wall time is SECONDS, not SECONDS per target.
pids=()
for t in "${targets[@]}"; do
  bin="build/fuzz/fuzz/brocken_fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: $bin is missing; run tools/setup.sh fuzz" >&2; exit 1; }
  corpus="build/fuzz/corpus/$t"
  artifacts="build/fuzz/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  log="build/fuzz/$t.log"
  echo "== fuzz $t: ${seconds} s (log: $log)" >&2
  # shellcheck disable=SC2086  # the seed directories are a word list
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -dict="fuzz/$t.dict" -artifact_prefix="$artifacts" -print_final_stats=1 \
    "$corpus" ${seeds[$t]} >"$log" 2>&1 &
  pids+=("$!")
done
status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  log="build/fuzz/$t.log"
  if wait "${pids[$i]}"; then
    echo "== fuzz $t: passed" >&2
    grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | sed 's/^/   /' >&2 || true
  else
    status=1
    echo "== fuzz $t FAILED: the input is in build/fuzz/artifacts/$t/; last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
done
exit "$status"
