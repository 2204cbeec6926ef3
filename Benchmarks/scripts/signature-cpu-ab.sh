#!/bin/bash
# CPU-time A/B of signature operations: task-clock of the benchmark process only (not its openssl
# child), per operation, so that the load of a shared machine matters less than in wall-clock rates.
# Run from the repository root after building signature-bench in release.
#
#   Benchmarks/scripts/signature-cpu-ab.sh                 # native engine against xmlsec
#   BASELINE=/tmp/signature-bench-before Benchmarks/scripts/signature-cpu-ab.sh
#                                                          # native engine: an earlier build against this one
#
# Each figure is the lowest of ROUNDS runs (default 3; the other builds on the machine only ever add
# time). Per-operation CPU = (total - baseline) / (N + 200 warm-up); the "baseline" line is the
# process with no operation (setup only). Then `openssl speed rsa2048` (CPU-time rates) for the ratio.
cd "$(dirname "$0")/../.."
N=${N:-2000}
ROUNDS=${ROUNDS:-3}
CURRENT=Benchmarks/.build/release/signature-bench
if [ -n "$BASELINE" ]; then
  variants=("before:native:$BASELINE" "after:native:$CURRENT")
else
  variants=("xmlsec:xmlsec:$CURRENT" "native:native:$CURRENT")
fi
for op in "enveloped sign" "NSW sign" "AS4 sign" "enveloped verify" "NSW verify" "AS4 verify" "none"; do
  for variant in "${variants[@]}"; do
    IFS=: read -r label engine binary <<<"$variant"
    best=""
    for _ in $(seq "$ROUNDS"); do
      ms=$(BENCH_ENGINE=$engine BENCH_FILTER="$op" BENCH_ITERATIONS=$N perf stat --no-inherit -x, -e task-clock "$binary" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
      if [ -z "$best" ] || awk "BEGIN { exit !($ms < $best) }"; then best=$ms; fi
    done
    echo "${op/none/baseline}|$label|$best ms|N=$N"
  done
done
openssl speed -seconds 3 rsa2048 2>/dev/null | tail -1
