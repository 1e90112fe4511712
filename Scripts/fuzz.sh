#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (a separate package; never part of `swift build`/`swift test`)
# and runs each for SECONDS (default 60) seconds, starting from the checked-in seeds in Fuzz/Corpus/<target>/.
#
# Usage: Scripts/fuzz.sh [SECONDS] [TARGET…]       (no TARGET: all of them)
#
# Per target it prints the number of executions and whether a crash (trap, sanitizer report, invariant
# failure, timeout or out-of-memory) was found; exits 1 when any target found one. Crashing inputs are kept in
# .build-fuzz/artifacts/<target>/ and the grown corpus in .build-fuzz/corpus/<target>/ (both git-ignored);
# replay one with `.build-fuzz/build/debug/<target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SECONDS_PER_TARGET="${1:-60}"
shift || true

# Every fuzz target, one per decoder of untrusted bytes.
TARGETS=(
    FuzzSafetensors   # SafetensorsFile(bytes:name:)
    FuzzBitPacking    # BitPacking.unpack / accumulate (masked-input payloads)
    FuzzShamirShare   # ShamirShare(serialized:)
    FuzzKeyFile       # IdentityKeyFile.read(from:passphrase:)
    FuzzRegistry      # Registry.decode(_:source:)
    FuzzLedger        # PrivacyLedger.parse(_:file:)
    FuzzAuditRecord   # AuditEvent.decode(kind:payload:) (audit-log record payloads)
    # gRPC wire messages (SecAggTransport/Conversion): client side…
    FuzzRoundStart          # RoundStart → AnnouncedRound (with EncodingParameters)
    FuzzKeyBroadcast        # KeyBroadcastMessage → KeyBroadcast (with AdvertiseKeys)
    FuzzShareBroadcast      # ShareBroadcastMessage → ShareBroadcast
    FuzzConsistencyRequest  # ConsistencyRequestMessage → ConsistencyRequest
    FuzzUnmaskingRequest    # UnmaskingRequestMessage → UnmaskingRequest
    # …and server side
    FuzzMaskedInputChunks   # MaskedInputChunk sequences → MaskedInputAssembly
    FuzzClientMessage       # ClientMessage → AdvertiseKeys / ShareKeys / chunk / ConsistencyCheck / UnmaskingResponse
)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); fi

bash Scripts/ensure-deps.sh

WORK="$ROOT/.build-fuzz"
mkdir -p "$WORK"
# SwiftPM names the root package (a path dependency of Fuzz/) after its directory. A checkout directory
# called "fuzz" would collide with the Fuzz package itself, so build from a staged copy in that case.
PACKAGE_PATH="$ROOT/Fuzz"
if [ "$(basename "$ROOT" | tr 'A-Z' 'a-z')" = "fuzz" ]; then
    STAGE="$WORK/secagg"
    if [ -L "$STAGE" ]; then rm -f "$STAGE"; fi  # never delete through a link
    rm -rf "$STAGE/Sources" "$STAGE/Fuzz"
    mkdir -p "$STAGE"
    tar -c Package.swift Sources Fuzz/Package.swift Fuzz/Sources | tar -x -C "$STAGE"
    PACKAGE_PATH="$STAGE/Fuzz"
fi

echo "fuzz: building ${#TARGETS[@]} target(s) with -sanitize=fuzzer,address…" >&2
BUILD_LOG="$WORK/build.log"
PRODUCT_ARGS=()
for t in "${TARGETS[@]}"; do PRODUCT_ARGS+=(--product "$t"); done
build_one() {
    swift build -c debug --package-path "$PACKAGE_PATH" --scratch-path "$WORK/build" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product "$1"
}
: > "$BUILD_LOG"
for t in "${TARGETS[@]}"; do
    # The linker (gold) prints thousands of harmless "Cannot export local symbol '__asan_…'" lines.
    if ! build_one "$t" >> "$BUILD_LOG" 2>&1; then
        grep -v "Cannot export local symbol" "$BUILD_LOG" | tail -40 >&2
        echo "fuzz: build of $t failed (full log: $BUILD_LOG)" >&2
        exit 2
    fi
done
BIN="$WORK/build/debug"

# libFuzzer must see the trap itself: Swift's backtracer would otherwise hold the process open.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}"

printf '\n%-24s %12s %8s  %s\n' "target" "executions" "seconds" "result"
FAILED=0
for t in "${TARGETS[@]}"; do
    corpus="$WORK/corpus/$t"
    artifacts="$WORK/artifacts/$t"
    seeds="$ROOT/Fuzz/Corpus/$t"
    log="$WORK/$t.log"
    mkdir -p "$corpus" "$artifacts" "$seeds"
    set +e
    # New inputs go to the first (scratch) directory; the checked-in seeds are only read.
    "$BIN/$t" "$corpus" "$seeds" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1
    status=$?
    set -e
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)
    if [ -z "$runs" ]; then runs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | tail -1 || true); fi
    found=$(ls -1 "$artifacts" 2>/dev/null | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1 || true)
    if [ "$status" -eq 0 ] && [ -z "$found" ]; then
        result="ok (no crash)"
    else
        result="CRASH (exit $status) ${found:+$artifacts/$found} — log: $log"
        FAILED=1
    fi
    printf '%-24s %12s %8s  %s\n' "$t" "${runs:-?}" "$SECONDS_PER_TARGET" "$result"
done
exit "$FAILED"
