#!/usr/bin/env bash
# Builds the fuzz targets (the separate package Fuzz/, with libFuzzer and AddressSanitizer) and runs
# one target, or each in turn, for a given time. See docs/fuzzing.md.
#
#   scripts/fuzz.sh                       every target, 60 s each
#   scripts/fuzz.sh nsw-inbound 600       one target, 10 minutes
#   scripts/fuzz.sh all 10                every target, 10 s each (what .ci/run does)
#   scripts/fuzz.sh --list                the targets
#
# Environment: FUZZ_CONFIGURATION (debug, the default, or release), FUZZ_MAX_LEN (bytes, default
# 65536), FUZZ_OPTIONS (more libFuzzer options). New inputs go to Fuzz/.build/corpus/TARGET; a
# finding is written to Fuzz/.build/findings/ and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
targets=(xml-validate c14n-diff signature-diff nsw-inbound nsw-answer as4-inbound as4-answer config-yaml)
target=${1:-all}
seconds=${2:-60}
configuration=${FUZZ_CONFIGURATION:-debug}

if [ "$target" = "--list" ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
if [ "$target" != all ] && [[ ! " ${targets[*]} " =~ " $target " ]]; then
    echo "unknown target $target; targets: ${targets[*]}" >&2
    exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "seconds must be a positive integer, not $seconds" >&2
    exit 2
fi

build=(swift build --package-path Fuzz -c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
start=$(date +%s)
"${build[@]}"
echo "fuzz build ($configuration): $(( $(date +%s) - start )) s"
binary="$("${build[@]}" --show-bin-path)/swgate-fuzz"

if [ "$target" = all ]; then selected=("${targets[@]}"); else selected=("$target"); fi
work=Fuzz/.build
mkdir -p "$work/findings" "$work/logs"
summary=()
status=0
for name in "${selected[@]}"; do
    corpus="$work/corpus/$name"; generated="$work/generated/$name"; log="$work/logs/$name.log"
    rm -rf "$generated"
    mkdir -p "$corpus" "$generated" "Fuzz/Corpus/$name"
    # Leaks are not checked per input: the gateway keeps process-wide caches (schemas, keys,
    # certificates) that are allocated on first use by design.
    set +e
    SWGATE_FUZZ_TARGET=$name SWGATE_FUZZ_GENERATED="$generated" SWGATE_REPOSITORY="$root" SWIFT_BACKTRACE=enable=no \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} \
        "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/findings/$name-" ${FUZZ_OPTIONS:-} \
        "$corpus" "Fuzz/Corpus/$name" "$generated" >"$log" 2>&1
    rc=$?
    set -e
    line=$(grep -E '^#[0-9]+\s+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
    rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$line" || true)
    ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$line" || true)
    if [ $rc -ne 0 ]; then
        status=1
        echo "== $name: FINDING (exit $rc); input and log: $work/findings/$name-*, $log" >&2
        grep -E 'FINDING|ERROR: AddressSanitizer|ERROR: libFuzzer|Fatal error|SUMMARY' "$log" | head -5 >&2 || true
    fi
    summary+=("$(printf '%-15s %8ss %10s runs %8s exec/s  cov %6s  ft %6s  %s' "$name" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "$([ $rc -eq 0 ] && echo ok || echo FINDING)")")
done
printf '%s\n' "${summary[@]}"
exit $status
