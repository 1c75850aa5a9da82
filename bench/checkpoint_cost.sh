#!/usr/bin/env bash
# The cost of a checkpoint as replications finish (docs/reliability.md, "Checkpoints that scale"):
# a run of R replications of the baseline's shape (14 districts, 2024-2040) at a small population
# scale, one checkpoint per replication (--checkpoint-every = months), --checkpoint-stats. Prints
# the checkpoint's time, file size and journal growth when 1, 10 and 100 replications are done.
#   bench/checkpoint_cost.sh [path/to/brocken] [replications] [scale]
set -euo pipefail
B=${1:-build/release/tools/brocken}
R=${2:-101}
SCALE=${3:-0.002}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
months=$("$B" validate scenarios/baseline.yaml | sed -n 's/.*valid (\([0-9]*\) months.*/\1/p')
"$B" run scenarios/baseline.yaml -o "$W/o.h5" -q --set replications="$R" \
  --set population.scale="$SCALE" --checkpoint-every "$months" --checkpoint-stats 2>"$W/stats.txt"
for k in 1 10 100; do
  grep -E "checkpoint [0-9]+: .* $k finished replications?," "$W/stats.txt" | head -1 || true
done
