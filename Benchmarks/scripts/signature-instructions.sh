#!/bin/bash
# Instructions per operation of the relay's four signature operations (NSW and AS4, sign and
# verify; each sign of a document not signed before, and "Both sign": one document signed for the
# NSW and then for the ASW, as the relay does), counted by valgrind's callgrind: stable from run to run on a machine whose speed swings
# by ±30 %, so that a change of a few per cent in the XML around the signatures can be seen.
# Each operation runs twice, with N1 and N2 iterations (after the same 200 warm-up runs); the
# difference of the two totals divided by N2 - N1 is one operation, set-up cancelled out. The
# instructions in libcrypto (the RSA-2048 signatures, digests) are given apart from the rest.
# Run from the repository root after building signature-bench in release:
#   swift build -c release --package-path Benchmarks --product signature-bench
#   Benchmarks/scripts/signature-instructions.sh [BINARY]
# (valgrind cannot read the release binary's debug information: a stripped copy is profiled.)
set -euo pipefail
cd "$(dirname "$0")/../.."
BINARY=${1:-Benchmarks/.build/release/signature-bench}
N1=${N1:-50}
N2=${N2:-250}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip --strip-debug -o "$work/bench" "$BINARY"
# Total instructions and those in libcrypto of one run: "<total> <libcrypto>".
count() {
  BENCH_ENGINE=native BENCH_FILTER="$1" BENCH_ITERATIONS=$2 valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    "$work/bench" >/dev/null 2>&1
  callgrind_annotate --threshold=100 "$work/out" 2>/dev/null | awk '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
    /libcrypto\.so/ { gsub(",", "", $1); crypto += $1 }
    END { printf "%.0f %.0f\n", total, crypto }'
}
echo "| operation | instructions per operation | in libcrypto | outside libcrypto |"
echo "|---|---|---|---|"
for operation in "NSW sign" "AS4 sign" "Both sign" "NSW verify" "AS4 verify"; do
  read -r t1 c1 <<<"$(count "$operation" "$N1")"
  read -r t2 c2 <<<"$(count "$operation" "$N2")"
  awk -v o="$operation" -v t1="$t1" -v t2="$t2" -v c1="$c1" -v c2="$c2" -v n=$((N2 - N1)) 'BEGIN {
    t = (t2 - t1) / n; c = (c2 - c1) / n
    printf "| %s | %.0f | %.0f | %.0f |\n", o, t, c, t - c }'
done
