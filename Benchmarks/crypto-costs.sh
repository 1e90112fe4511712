#!/usr/bin/env bash
# The crypto floor of one SecAgg+ client (issue 18, goal 3): what libsodium's Ed25519 and X25519 cost per
# client against the ChaCha20 keystream it must expand, measured in one process on this machine.
#
#   Benchmarks/crypto-costs.sh [k] [m] [n]     (defaults: k = 14 neighbours, m = 100000 words, n = 100 clients)
#
# A client signs 2 messages (advertisement, consistency check), verifies its k neighbours' advertisements and,
# before it reveals any share, Q = floor(n/2) + 1 consistency signatures on its survivor list (the quorum of
# Docs/protocol.md with c = 0 colluders: signers are any survivors, so Q grows with n), makes 2 key pairs and 2k
# key agreements (share encryption and mask seeds), and expands k + 1 masks of m 32-bit words.
# `secagg-bench --clients n …` prints the same floor for a whole round, counted from the round itself.
set -euo pipefail
k=${1:-14}
m=${2:-100000}
n=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 "$here/crypto-costs.c" -lsodium -o "$out/crypto-costs"
json=$("$out/crypto-costs")
echo "$json"
python3 - "$json" "$k" "$m" "$n" <<'PY'
import json, sys
c = json.loads(sys.argv[1]); k = int(sys.argv[2]); m = int(sys.argv[3]); n = int(sys.argv[4])
quorum = n // 2 + 1
floor = (k + 1) * m * 4 / c["chacha20_bytes_per_s"] * 1e3
crypto = (2 * c["ed25519_sign_us"] + (k + quorum) * c["ed25519_verify_us"] + (2 + 2 * k) * c["x25519_us"]) / 1e3
print(f"per client: keystream floor {floor:.2f} ms, signatures and key agreements {crypto:.2f} ms; "
      f"a round can be no faster than {(floor + crypto) / floor:.2f}x its keystream floor")
PY
