#!/bin/bash
# Instructions the gateway spends per Form D accepted and delivered to both partners (intake, both
# deliveries, both answers verified and recorded, the portal callbacks queued), counted by
# valgrind's callgrind: stable from run to run where CPU time swings by ±30 %, and attributed to
# functions, which `perf` cannot do on this machine's virtual CPUs.
# server-bench runs twice in `--instructions N` mode, with N1 and N2 Form D after the same warm-up;
# the difference of the two runs divided by N2 - N1 is one Form D. The simulators and the load
# generator run in server-bench's child process, which valgrind does not follow: only the gateway
# is counted. Valgrind runs one thread at a time, so batching (group commit, claims) can differ
# from a native run: read the totals as the work per Form D, not as its time.
# Run from the repository root after building server-bench in release:
#   swift build -c release --package-path Benchmarks --product server-bench
#   Benchmarks/scripts/relay-instructions.sh [BINARY] [TOP]
# With INTAKE_ONLY=1 the delivery engine does not run: the count is intake's alone (per Form D
# accepted). It prints the total, the share by library and the TOP functions (default 40) per Form D; with
# KEEP=DIRECTORY it keeps both callgrind outputs there (for `callgrind_annotate --inclusive=yes`).
set -euo pipefail
cd "$(dirname "$0")/../.."
BINARY=${1:-Benchmarks/.build/release/server-bench}
TOP=${2:-40}
N1=${N1:-100}
N2=${N2:-400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind cannot read the release binary's debug information: a stripped copy is profiled.
strip --strip-debug -o "$work/server-bench" "$BINARY"
# Under valgrind the process cannot start a child (Foundation's Process fails on valgrind's own
# descriptors), so the peers process is started here, natively, on two named pipes.
run() {
  rm -f "$work/peers.in" "$work/peers.out"
  mkfifo "$work/peers.in" "$work/peers.out"
  "$BINARY" --peers --clients 64 --ecdsa-partners <"$work/peers.in" >"$work/peers.out" &
  SWIFT_BACKTRACE=enable=no SERVER_BENCH_PEERS_FIFO="$work/peers" valgrind --tool=callgrind --callgrind-out-file="$work/out.$1" "$work/server-bench" \
    --instructions "$1" ${INTAKE_ONLY:+--intake-only} >"$work/log.$1" 2>&1 || { cat "$work/log.$1" >&2; exit 1; }
  wait
  grep "^accepted" "$work/log.$1" >&2
  callgrind_annotate --threshold=100 "$work/out.$1" 2>/dev/null >"$work/annotate.$1"
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work/out.$1" "$KEEP/callgrind.out.$1"; fi
}
run "$N1"
run "$N2"
# One line per function: "<instructions> <function and object>".
awk -v n=$((N2 - N1)) -v top="$TOP" '
  FNR == 1 { file++ }
  /PROGRAM TOTALS/ { gsub(",", "", $1); total[file] = $1; next }
  /^ *[0-9,]+ .*\[/ {
    count = $1; gsub(",", "", count); $1 = ""; name = substr($0, 2); sub(/^\( *[0-9.]+%\) /, "", name)
    sub(/\[.*\//, "[", name)
    value[name] += (file == 1 ? -count : count)
    object = name; sub(/.*\[/, "", object); sub(/\].*/, "", object)
    library[object] += (file == 1 ? -count : count)
  }
  END {
    printf "instructions per Form D: %.0f\n\nby object:\n", (total[2] - total[1]) / n
    for (o in library) printf "%12.0f  %s\n", library[o] / n, o | "sort -rn"
    close("sort -rn")
    printf "\nfunctions (top %d):\n", top
    for (f in value) printf "%12.0f  %s\n", value[f] / n, f | ("sort -rn | head -" top)
  }' "$work/annotate.$N1" "$work/annotate.$N2"
