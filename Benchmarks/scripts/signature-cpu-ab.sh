#!/bin/bash
# CPU-time A/B of the two signature engines: task-clock of the benchmark process only (not its
# openssl child), per operation, so that the load of a shared machine matters less than in
# wall-clock rates. Run from the repository root after building signature-bench in release.
# Per-operation CPU = (total - baseline) / (N + 200 warm-up).
cd "$(dirname "$0")/../.."
N=2000
for op in "enveloped sign" "NSW sign" "AS4 sign" "enveloped verify" "NSW verify" "AS4 verify"; do
  for engine in native xmlsec; do
    # the whole process: setup + 200 warm-up + N operations of this engine
    ms=$(BENCH_ENGINE=$engine BENCH_FILTER="$op" BENCH_ITERATIONS=$N perf stat --no-inherit -x, -e task-clock Benchmarks/.build/release/signature-bench 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    echo "$op|$engine|$ms"
  done
done
for engine in native xmlsec; do
  ms=$(BENCH_ENGINE=$engine BENCH_FILTER="none" BENCH_ITERATIONS=$N perf stat --no-inherit -x, -e task-clock Benchmarks/.build/release/signature-bench 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
  echo "baseline|$engine|$ms"
done
