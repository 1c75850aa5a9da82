#!/usr/bin/env bash
# Checkpoints, interruption and resource limits of `brocken run` / `brocken resume`, from the
# outside (docs/reliability.md):
#   tests/tools/checkpoint_test.sh path/to/brocken [python] [scale] [sanitized: yes|no]
# scale: population.scale of the test runs (default 0.02; the sanitizer builds pass a smaller one
# because they run 5 to 20 times slower).
# - SIGKILL at random moments after the first checkpoint, at 1 and 2 threads: the last checkpoint
#   resumes to datasets identical to an uninterrupted run (--hash and h5same.py), also with two
#   replications; nothing half-written ever carries the output's name;
# - SIGINT / SIGTERM: exit 4, a resumable checkpoint, no output file, the exact resume command;
# - RLIMIT_FSIZE (ulimit -f): exit 3, no temporary file left, the last checkpoint kept;
# - a run that cannot fit in memory is refused with exit 2 before it starts;
# - a changed or deleted scenario file does not matter (the checkpoint holds the resolved one);
# - unusable checkpoints (truncated, damaged, not a checkpoint): exit 2 with a
#   message naming the file, never a crash.
set -u
B=${1:?usage: checkpoint_test.sh path/to/brocken [python]}
PY=${2:-/usr/bin/python3}
SCALE=${3:-0.02}
SANITIZED=${4:-no} # "yes" in sanitizer builds: address-space limits are meaningless there
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}
cd "$ROOT" || fail "no source directory"

# A small run that still takes long enough to be interrupted: 2 % of the population, 20 years.
# Under the sanitizers (5 to 20 times slower) 8 years instead of 20: the same code paths.
MONTHS=240
[ "$SANITIZED" = yes ] && MONTHS=96
SC=(scenarios/smoke.yaml --set months="$MONTHS" --set population.scale="$SCALE")
hash_of() { sed -n 's/^state hash: //p' "$1"; }

"$B" run "${SC[@]}" -o "$W/ref.h5" -q --hash >"$W/ref.out" 2>&1 || fail "reference run: $(cat "$W/ref.out")"
REF=$(hash_of "$W/ref.out")
[ -n "$REF" ] || fail "no hash from the reference run"

# Waits (up to 120 s) until file $1 exists while process $2 runs.
wait_for_file() {
  local i=0
  while [ ! -e "$1" ] && kill -0 "$2" 2>/dev/null && [ $i -lt 12000 ]; do
    sleep 0.01
    i=$((i + 1))
  done
}

# Nothing under the output's name unless it is complete (equal to the reference).
check_no_partial_output() { # out-file reference-file
  if [ -e "$1" ]; then
    "$PY" tests/tools/h5same.py "$1" "$2" >/dev/null || fail "$1 exists but differs from $2"
  fi
}

# 1. SIGKILL at several moments, at 1 and 2 threads; resume at the other thread count.
n=0
# Four kills in optimised builds, two under the sanitizers (each costs a run and a resume there).
KILLS=(1 2 1 2)
[ "$SANITIZED" = yes ] && KILLS=(1 2)
for t in "${KILLS[@]}"; do
  n=$((n + 1))
  out="$W/kill$n.h5"
  "$B" run "${SC[@]}" -o "$out" -q -t "$t" --checkpoint-every 5 >"$W/kill$n.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_for_file "$out.ckpt.h5" "$pid"
  sleep "0.$((RANDOM % 30))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # A kill during a write may leave a temporary file; it carries the dead process's id, and
  # resume never reads it. Remove it so that later checks see only what later runs leave.
  for tmp in "$W"/*.tmp-*; do
    [ -e "$tmp" ] || continue
    case "$tmp" in
      *.tmp-"$pid") rm -f "$tmp" ;;
      *) fail "kill $n: unexpected temporary file $tmp" ;;
    esac
  done
  if [ -e "$out" ]; then
    # The run finished before the kill: its output is complete and its checkpoint is gone.
    check_no_partial_output "$out" "$W/ref.h5"
    [ ! -e "$out.ckpt.h5" ] || fail "kill $n: finished run left its checkpoint"
    continue
  fi
  [ -e "$out.ckpt.h5" ] || fail "kill $n: no checkpoint"
  other=$((3 - t))
  "$B" resume "$out.ckpt.h5" -o "$out" -q --hash -t "$other" >"$W/resume$n.out" 2>&1 ||
    fail "kill $n: resume exited $?: $(cat "$W/resume$n.out")"
  [ "$(hash_of "$W/resume$n.out")" = "$REF" ] ||
    fail "kill $n (t=$t, resumed at t=$other): hash $(hash_of "$W/resume$n.out") != $REF"
  [ ! -e "$out.ckpt.h5" ] || fail "kill $n: checkpoint not removed after the output was written"
  if [ $n -eq 1 ]; then
    "$PY" tests/tools/h5same.py "$out" "$W/ref.h5" >/dev/null || fail "kill 1: datasets differ"
  fi
done

# 2. Two replications, interrupted in the second: the finished one comes from the checkpoint.
SC2=(scenarios/smoke.yaml --set months=48 --set population.scale="$SCALE" --set replications=2)
"$B" run "${SC2[@]}" -o "$W/ref2.h5" -q --hash -t 2 >"$W/ref2.out" 2>&1 || fail "reference run 2"
REF2=$(hash_of "$W/ref2.out")
"$B" run "${SC2[@]}" -o "$W/rep.h5" -q --checkpoint-every 48 >"$W/rep.log" 2>&1 &
pid=$!
PIDS+=("$pid")
wait_for_file "$W/rep.h5.ckpt.h5" "$pid" # written when replication 1 is done
kill -INT "$pid" 2>/dev/null
wait "$pid"
code=$?
if [ $code -eq 4 ]; then
  "$PY" - "$W/rep.h5.ckpt.h5" <<'EOF' || fail "replications: checkpoint content"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f["progress/finished"][0] == 1, f["progress/finished"][:]
    assert "finished" not in f, list(f)  # finished series live in the journal
with open(sys.argv[1] + ".series", "rb") as j:
    assert j.read(17) == b"BROCKEN JOURNAL 1"
EOF
  "$B" resume "$W/rep.h5.ckpt.h5" -o "$W/rep.h5" -q --hash -t 2 >"$W/rep.out" 2>&1 ||
    fail "replications: resume exited $?: $(cat "$W/rep.out")"
  [ "$(hash_of "$W/rep.out")" = "$REF2" ] || fail "replications: hash differs"
  "$PY" tests/tools/h5same.py "$W/rep.h5" "$W/ref2.h5" >/dev/null || fail "replications differ"
else
  [ $code -eq 0 ] || fail "replications: run exited $code: $(cat "$W/rep.log")"
fi

# 3. SIGINT and SIGTERM: exit 4, checkpoint, no output, the resume command is printed.
for sig in INT TERM; do
  out="$W/sig$sig.h5"
  # The first periodic checkpoint shows that the month loop is running; the signal follows at
  # once, while most months are still to go (a fixed sleep could miss the run on a busy
  # machine, or hit it before the handler is installed).
  "$B" run "${SC[@]}" -o "$out" -t 2 --checkpoint-every 5 >"$W/sig$sig.out" 2>"$W/sig$sig.err" &
  pid=$!
  PIDS+=("$pid")
  wait_for_file "$out.ckpt.h5" "$pid"
  kill -"$sig" "$pid"
  wait "$pid"
  code=$?
  [ $code -eq 4 ] || fail "SIG$sig: exit $code (expected 4): $(cat "$W/sig$sig.err")"
  [ ! -e "$out" ] || fail "SIG$sig: output file exists"
  [ -e "$out.ckpt.h5" ] || fail "SIG$sig: no checkpoint"
  grep -q "interrupted by SIG$sig" "$W/sig$sig.err" || fail "SIG$sig: no message"
  cmd=$(sed -n 's/^resume with: //p' "$W/sig$sig.err")
  [ -n "$cmd" ] || fail "SIG$sig: no resume command: $(cat "$W/sig$sig.err")"
  echo "$cmd" | grep -qF "resume $out.ckpt.h5 -o $out -t 2" || fail "SIG$sig: command '$cmd'"
  if [ "$sig" = TERM ]; then
    # The printed command, run as printed.
    eval "$cmd -q --hash" >"$W/sigTERM.resume" 2>&1 || fail "SIGTERM: resume failed"
    [ "$(hash_of "$W/sigTERM.resume")" = "$REF" ] || fail "SIGTERM: resumed hash differs"
  fi
done
ls "$W" | grep -q 'tmp-' && fail "temporary files left: $(ls "$W")"

# A second `run` does not silently replace the checkpoint of an interrupted run.
"$B" run "${SC[@]}" -o "$W/sigINT.h5" -q >"$W/again.err" 2>&1
code=$?
[ $code -eq 2 ] || fail "run over an existing checkpoint: exit $code"
grep -q "brocken resume" "$W/again.err" || fail "no hint to resume: $(cat "$W/again.err")"

# 4. A file-size limit: the output (about 500 kB) cannot be written, the checkpoint (a few MB)
# cannot be replaced. Exit 3, no temporary file, the checkpoint untouched.
ck="$W/sigINT.h5.ckpt.h5"
before=$(cksum <"$ck")
(
  ulimit -f 100
  "$B" resume "$ck" -o "$W/sigINT.h5" -q
) >"$W/fsize1.out" 2>&1
code=$?
[ $code -eq 3 ] || fail "RLIMIT_FSIZE (output): exit $code: $(cat "$W/fsize1.out")"
grep -q "File too large" "$W/fsize1.out" || fail "RLIMIT_FSIZE: message: $(cat "$W/fsize1.out")"
grep -q "is kept" "$W/fsize1.out" || fail "RLIMIT_FSIZE: no word on the checkpoint"
[ ! -e "$W/sigINT.h5" ] || fail "RLIMIT_FSIZE: output exists"
[ "$(cksum <"$ck")" = "$before" ] || fail "RLIMIT_FSIZE: checkpoint changed"
(
  ulimit -f 100
  "$B" resume "$ck" -o "$W/sigINT.h5" -q --checkpoint-every 1
) >"$W/fsize2.out" 2>&1
code=$?
[ $code -eq 3 ] || fail "RLIMIT_FSIZE (checkpoint): exit $code: $(cat "$W/fsize2.out")"
[ "$(cksum <"$ck")" = "$before" ] || fail "RLIMIT_FSIZE: checkpoint changed"
ls "$W" | grep -q 'tmp-' && fail "RLIMIT_FSIZE: temporary files left: $(ls "$W")"
# With room again, the kept checkpoint still resumes to the reference.
"$B" resume "$ck" -o "$W/sigINT.h5" -q --hash >"$W/fsize3.out" 2>&1 || fail "resume after limit"
[ "$(hash_of "$W/fsize3.out")" = "$REF" ] || fail "resume after limit: hash differs"

# 5. Unusable checkpoints: exit 2 and a message naming the file, never a crash.
"$B" run "${SC[@]}" -o "$W/bad.h5" -q --checkpoint-every 12 >/dev/null 2>&1 &
pid=$!
PIDS+=("$pid")
wait_for_file "$W/bad.h5.ckpt.h5" "$pid"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -f "$W"/*.tmp-"$pid"
good="$W/bad.h5.ckpt.h5"
[ -e "$good" ] || fail "no checkpoint for the damage tests"
size=$(stat -c %s "$good")
expect_refused() { # file expected-text
  "$B" resume "$1" -o "$W/never.h5" -q >"$W/refused.out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "$1: exit $code (expected 2): $(cat "$W/refused.out")"
  grep -q "$2" "$W/refused.out" || fail "$1: message: $(cat "$W/refused.out")"
  grep -qF "$1" "$W/refused.out" || fail "$1: the message does not name the file"
  [ ! -e "$W/never.h5" ] || fail "$1: an output was written"
}
head -c $((size / 2)) "$good" >"$W/truncated.h5"
expect_refused "$W/truncated.h5" "cannot be used"
head -c 100 "$good" >"$W/stub.h5"
expect_refused "$W/stub.h5" "cannot be used"
for at in 3 200 $((size / 3)) $((size - 100)) $((size - 20)); do
  cp "$good" "$W/flip.h5"
  printf '\x5a' | dd of="$W/flip.h5" bs=1 seek=$at conv=notrunc status=none
  expect_refused "$W/flip.h5" "cannot be used"
done
expect_refused "$W/ref.h5" "not a brocken checkpoint"
expect_refused "$W/missing.h5" "no such file"
# The scenario changed (or vanished) since the checkpoint was written: the run continues the
# scenario it started with (the resolved copy in the checkpoint, paths made absolute).
printf 'extends: %s/scenarios/smoke.yaml\nmonths: %s\npopulation:\n  scale: %s\n' "$ROOT" "$MONTHS" "$SCALE" >"$W/s.yaml"
"$B" run "$W/s.yaml" -o "$W/s.h5" -q --checkpoint-every 5 >/dev/null 2>&1 &
pid=$!
PIDS+=("$pid")
wait_for_file "$W/s.h5.ckpt.h5" "$pid"
kill -INT "$pid"
wait "$pid"
[ $? -eq 4 ] || fail "scenario run was not interrupted"
cp "$W/s.h5.ckpt.h5" "$W/keep.ckpt.h5"
cp "$W/s.h5.ckpt.h5.series" "$W/keep.ckpt.h5.series"
printf 'extends: %s/scenarios/smoke.yaml\nmonths: %s\npopulation:\n  scale: %s\nseed: 7\n' "$ROOT" "$MONTHS" "$SCALE" >"$W/s.yaml"
"$B" resume "$W/s.h5.ckpt.h5" -o "$W/s.h5" -q --hash >"$W/s.out" 2>&1 || fail "changed scenario: $(cat "$W/s.out")"
[ "$(hash_of "$W/s.out")" = "$REF" ] || fail "changed scenario: the resumed run used the new file"
rm "$W/s.yaml" "$W/s.h5"
cp "$W/keep.ckpt.h5" "$W/s.h5.ckpt.h5"
cp "$W/keep.ckpt.h5.series" "$W/s.h5.ckpt.h5.series"
"$B" resume "$W/s.h5.ckpt.h5" -o "$W/s.h5" -q --hash >"$W/s.out" 2>&1 || fail "deleted scenario: $(cat "$W/s.out")"
[ "$(hash_of "$W/s.out")" = "$REF" ] || fail "deleted scenario: hash differs"

# 6. A run that cannot fit in memory is refused before it starts, naming the key.
"$B" run scenarios/smoke.yaml --set replications=10000 --set months=1200 -o "$W/huge.h5" \
  >"$W/huge.out" 2>&1
code=$?
[ $code -eq 2 ] || fail "memory: exit $code: $(cat "$W/huge.out")"
grep -q "replications: the run needs about" "$W/huge.out" || fail "memory: $(cat "$W/huge.out")"
[ ! -e "$W/huge.h5" ] || fail "memory: output written"

# The same through the address-space limit (RLIMIT_AS, `ulimit -v`) at full scale: refused
# naming population.scale, before the population is built. Not under the sanitizers, which reserve
# terabytes of address space.
if [ "$SANITIZED" != yes ]; then
  (
    ulimit -v 150000
    "$B" run scenarios/baseline.yaml -o "$W/big.h5" -q
  ) >"$W/big.out" 2>&1
  code=$?
  [ $code -eq 2 ] || fail "RLIMIT_AS: exit $code: $(cat "$W/big.out")"
  grep -q "population.scale: the run needs about .* (RLIMIT_AS)" "$W/big.out" ||
    fail "RLIMIT_AS: $(cat "$W/big.out")"
  [ ! -e "$W/big.h5" ] || fail "RLIMIT_AS: output written"
fi

echo "checkpoint tests passed"
