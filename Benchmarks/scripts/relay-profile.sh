#!/bin/bash
# Where the gateway's CPU *time* goes per Form D, by part, sampled natively by `perf` with DWARF call
# graphs (callgrind, in relay-instructions.sh, counts instructions: stable, but blind to what an
# instruction costs; atomics, cache misses and libcrypto's vector code differ by a factor of ten).
# server-bench runs in `--instructions N` mode (100 Form D, then N more accepted while the engine
# delivers them); its peers process (simulators and load generator) is started here on two named
# pipes, so that only the gateway is sampled, from SKIP seconds after the start for SAMPLE_SECONDS seconds.
# It prints the share of the samples by part: each sample goes to the first part whose functions
# are on its stack, in the order of the table below. With INTAKE_ONLY=1 the engine does not run;
# with PACED=R the Form D are offered at R per second (as in server-bench's latency phase) instead of
# as fast as the gateway accepts them (then N should be at least R × (SKIP + SAMPLE_SECONDS)).
# Run from the repository root after building server-bench in release:
#   swift build -c release --package-path Benchmarks --product server-bench
#   Benchmarks/scripts/relay-profile.sh [BINARY]        (N=3000 SKIP=4 SAMPLE_SECONDS=4 FREQUENCY=999)
# Needs `perf` (linux-perf) and python3; KEEP=DIRECTORY keeps perf.data and the unfolded stacks.
set -euo pipefail
cd "$(dirname "$0")/../.."
BINARY=${1:-Benchmarks/.build/release/server-bench}
N=${N:-3000}
SKIP=${SKIP:-4}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-4}
FREQUENCY=${FREQUENCY:-999}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/peers.in" "$work/peers.out"
"$BINARY" --peers --clients 64 --ecdsa-partners <"$work/peers.in" >"$work/peers.out" 2>"$work/peers.err" &
SWIFT_BACKTRACE=enable=no SERVER_BENCH_PEERS_FIFO="$work/peers" "$BINARY" --instructions "$N" ${INTAKE_ONLY:+--intake-only} ${PACED:+--paced "$PACED"} >"$work/log" 2>&1 &
gateway=$!
sleep "$SKIP"
perf record -q -F "$FREQUENCY" --call-graph dwarf,32768 -p "$gateway" -o "$work/perf.data" -- sleep "$SAMPLE_SECONDS" 2>/dev/null
wait "$gateway" || { cat "$work/log" >&2; exit 1; }
wait
grep "^accepted" "$work/log" >&2
perf script -i "$work/perf.data" -F ip,sym 2>/dev/null >"$work/stacks"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work/perf.data" "$work/stacks" "$KEEP/"; fi
python3 - "$work/stacks" <<'EOF'
import collections, sys

# (part, functions: a substring of a frame's symbol). Order matters: a sample goes to the first match.
PARTS = [
    ("RSA/ECDSA (sign, verify)", ["PreparedKeyOperationC4sign", "PreparedKeyOperationC6verify"]),
    ("SHA-256 (digests, audit hashes)", ["sha256", "SHA256", "EVP_Digest", "MessageDigestContext"]),
    ("store: commit (WAL frames, fsync, checkpoint)", ["sqlite3WalFrames", "fdatasync", "Checkpointer", "checkpoint"]),
    ("store: enqueue (intake)", ["SQLiteOutboxB0C7enqueue", "SQLiteOutboxB0C6insert"]),
    ("store: claim", ["SQLiteOutboxB0C5claim", "claimAll"]),
    ("store: completion", ["SQLiteOutboxB0C8complete", "SQLiteOutboxB0C5apply"]),
    ("store: other", ["GroupCommitter", "SerializedDatabase"]),
    ("intake: parse", ["DocumentIntake", "PortalEndpoint"], ["XMLDocumentC5bytes"]),
    ("intake: schema", ["DocumentIntake", "PortalEndpoint"], ["XMLSchema"]),
    ("intake: rules and summary", ["DocumentIntake", "PortalEndpoint"], ["DocumentProfile", "FormDRules", "summar"]),
    ("intake: other (HTTP answer, hand-over)", ["DocumentIntake", "PortalEndpoint"]),
    ("signing (building, canonical form, parse of the document)", ["SignAtDelivery", "signNSWEnvelope", "signedAS4Message"]),
    ("answers (parse, canonical form, checks)", ["classify"]),
    ("HTTP client (PartnerHTTPClient, its handler, the request encoder)", ["PartnerHTTPClient", "ExchangeHandler", "HTTPRequestEncoder"]),
    ("HTTP server (Hummingbird, intake's requests)", ["Hummingbird"]),
    ("delivery engine", ["SWGateDelivery"]),
    ("event loops, other NIO", ["NIOPosix", "NIOCore"]),
]

def frames(block):
    out = []
    for line in block.strip().split("\n"):
        parts = line.strip().split(" ", 1)
        if parts and parts[0]:
            out.append(parts[1] if len(parts) > 1 else parts[0])
    return out

stacks = [frames(b) for b in open(sys.argv[1]).read().split("\n\n") if b.strip()]
counts = collections.Counter()
kernel = collections.Counter()
for stack in stacks:
    text = "\n".join(stack)
    name = "other"
    for part in PARTS:
        if any(k in text for k in part[1]) and (len(part) < 3 or any(k in text for k in part[2])):
            name = part[0]
            break
    counts[name] += 1
    if "do_syscall_64" in text or "entry_SYSCALL" in text:
        kernel[name] += 1
total = len(stacks)
print(f"samples: {total} (share of the gateway's CPU time; 'in syscalls': the part of it inside system calls)")
for name, count in counts.most_common():
    print(f"{100 * count / total:6.1f} %  {name}   (in syscalls {100 * kernel[name] / total:.1f} %)")
EOF
