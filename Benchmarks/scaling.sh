#!/usr/bin/env bash
# Scaling of `secagg-tool simulate` (release build, one round) with the number of clients, against the ChaCha20
# keystream floor measured in the same run: one CSV row per run, then (if a Python with matplotlib is given)
# a chart. Needs /usr/bin/time (GNU time) and a Swift toolchain.
#
#   Benchmarks/scaling.sh                         # tiny model (68 parameters), n = 10 … 100,000, --no-dp
#   CLIENTS="10 100 1000" Benchmarks/scaling.sh   # other cohort sizes
#   EMBEDDED="1000 3000" Benchmarks/scaling.sh     # also the embedded model (178,112 parameters) at these n
#   DP=1 Benchmarks/scaling.sh                    # also each run with DP on
#   PYTHON=/path/to/venv/bin/python Benchmarks/scaling.sh   # draw Benchmarks/results/scaling.svg
#
# Environment: SKIP_BUILD=1 uses the existing .build-release; OUT=file.csv (default
# Benchmarks/results/scaling.csv); TIMEOUT=seconds per run (default 1800).
#
# The floor is the keystream the clients must generate, n·(k+1)·d 32-bit words (d the padded dimension), timed
# in CPU seconds by `secagg-bench --keystream-words` right after each run; cpu_over_floor = (user + sys) / floor.
# (floor_words is printed as the shell computed it: mawk's %d and %.0f clamp values above 2^31 - 1.)
#
# The crypto floor adds what the round's required cryptography costs on this machine, per-operation costs timed
# by `secagg-bench --operation-costs` right after each run: the keystream of the survivors' k + 1 masks and of
# the server's removal (each survivor's self mask and each pair of a dropped client with a surviving neighbour,
# their number estimated as (n − S)·k·S/(n − 1)), 2k X25519 agreements and 2 key pairs per client plus one
# agreement per such pair, n + S Ed25519 signatures, and n + ⌊n/2⌋ + 1 verifications (in one process every
# advertisement and quorum signature is verified once; ``SharedQuorumVerifier``). Encoding, Shamir, the
# synthetic updates and bookkeeping are left out: no implementation of this round can be below it.
# cpu_over_crypto_floor = (user + sys) / crypto_floor_s.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-"10 100 1000 10000 100000"}
EMBEDDED=${EMBEDDED:-""}
DP=${DP:-0}
OUT=${OUT:-Benchmarks/results/scaling.csv}
TIMEOUT=${TIMEOUT:-1800}
BIN=.build-release/release
mkdir -p "$(dirname "$OUT")"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --scratch-path .build-release --product secagg-tool
    swift build -c release --scratch-path .build-release --product secagg-bench
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A 68-parameter model: dense.weight 8×8 and dense.bias 4, F32 zeros (the updates are synthetic).
tiny="$work/tiny68.safetensors"
header='{"dense.bias":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"dense.weight":{"dtype":"F32","shape":[8,8],"data_offsets":[16,272]}}'
while (( ${#header} % 8 != 0 )); do header+=" "; done
{
    printf "$(printf '\\x%02x' $(( ${#header} & 255 )) $(( (${#header} >> 8) & 255 )) 0 0 0 0 0 0)"
    printf '%s' "$header"
    head -c 272 /dev/zero
} >"$tiny"

# d: the padded dimension (blocks of powers of two; 68 → 128, 178,112 → 196,608).
padded() {
    local d=$1 block=65536 rest last=0
    rest=$(( d % block ))
    if (( rest == 1 )); then last=1; elif (( rest > 1 )); then last=1; while (( last < rest )); do last=$(( last * 2 )); done; fi
    echo $(( d / block * block + last ))
}

echo "model,parameters,padded,clients,dp,degree,survivors,wall_s,user_s,sys_s,cpu_s,peak_rss_mb,floor_words,floor_s,cpu_over_floor,wall_over_cpu,load1,crypto_floor_s,cpu_over_crypto_floor,status" >"$OUT"

run() {  # run MODEL_NAME MODEL_ARGS PARAMETERS N DP
    local name=$1 modelArgs=$2 parameters=$3 n=$4 dp=$5
    local dpArgs="--no-dp"
    [[ $dp == 1 ]] && dpArgs=""
    local load status=ok
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086
    if ! timeout "$TIMEOUT" /usr/bin/time -v -o "$work/time.txt" "$BIN/secagg-tool" simulate $modelArgs --clients "$n" \
        --rounds 1 --seed 7 $dpArgs --json >"$work/out.json" 2>"$work/err.txt"; then
        status=failed
    fi
    local user sys wall rss
    user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
    sys=$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" |
        awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.1f", $2 / 1024}' "$work/time.txt")
    local degree survivors
    degree=$(grep -o '"degree" *: *[0-9]*' "$work/out.json" | head -1 | grep -o '[0-9]*$' || true)
    survivors=$(grep -o '"survivors" *: *[0-9]*' "$work/out.json" | head -1 | grep -o '[0-9]*$' || true)
    degree=${degree:-0}
    survivors=${survivors:-0}
    local d words floor
    d=$(padded "$parameters")
    words=$(( n * (degree + 1) * d ))
    floor=$("$BIN/secagg-bench" --keystream-words "$words" --json | grep -o '"keystream_s" *: *[0-9.e+-]*' | grep -o '[0-9.e+-]*$')
    local costs
    costs=$("$BIN/secagg-bench" --operation-costs --json)
    cost() { grep -o "\"$1\" *: *[0-9.e+-]*" <<<"$costs" | grep -o '[0-9.e+-]*$'; }
    awk -v m="$name" -v p="$parameters" -v d="$d" -v n="$n" -v dp="$dp" -v k="$degree" -v s="$survivors" \
        -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v fw="$words" -v f="$floor" -v l="$load" -v st="$status" \
        -v sign="$(cost ed25519_sign_us)" -v verify="$(cost ed25519_verify_us)" -v agree="$(cost x25519_agree_us)" \
        -v pair="$(cost x25519_keypair_us)" -v rate="$(cost chacha20_bytes_per_s)" \
        'BEGIN { c = u + y
            dropped = (n > 1 ? (n - s) * k * s / (n - 1) : 0)
            stream = (s * (k + 1) + s + dropped) * d * 4 / rate
            ops = ((2 * n * k + dropped) * agree + 2 * n * pair + (n + s) * sign + (n + int(n / 2) + 1) * verify) / 1e6
            cf = stream + ops
            printf "%s,%d,%d,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%s,%s,%.3f,%.2f,%.2f,%s,%.3f,%.2f,%s\n",
            m, p, d, n, dp, k, s, w, u, y, c, r, fw, f, (f > 0 ? c / f : 0), (c > 0 ? w / c : 0), l, cf,
            (cf > 0 ? c / cf : 0), st }' | tee -a "$OUT"
}

for n in $CLIENTS; do
    run tiny68 "--model $tiny" 68 "$n" 0
    [[ $DP == 1 ]] && run tiny68 "--model $tiny" 68 "$n" 1
done
for n in $EMBEDDED; do
    run embedded "" 178112 "$n" 0
    [[ $DP == 1 ]] && run embedded "" 178112 "$n" 1
done

if [[ -n "${PYTHON:-}" ]]; then
    "$PYTHON" Benchmarks/plot_scaling.py "$OUT" "${OUT%.csv}.svg"
fi
