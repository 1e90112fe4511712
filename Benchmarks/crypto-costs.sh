#!/usr/bin/env bash
# The crypto floor of one SecAgg+ client (issue 18, goal 3): what libsodium's Ed25519 and X25519 cost per
# client against the ChaCha20 keystream it must expand, measured in one process on this machine.
#
#   Benchmarks/crypto-costs.sh [k] [m]     (defaults: k = 14 neighbours, m = 100000 words)
#
# A client signs 2 messages (advertisement, consistency check), verifies its k neighbours' advertisements and
# at least a quorum (≤ k) of their consistency signatures (≥ 2k verifications counted here as 2k), makes 2 key
# pairs and 2k key agreements (share encryption and mask seeds), and expands k + 1 masks of m 32-bit words.
set -euo pipefail
k=${1:-14}
m=${2:-100000}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 "$here/crypto-costs.c" -lsodium -o "$out/crypto-costs"
json=$("$out/crypto-costs")
echo "$json"
python3 - "$json" "$k" "$m" <<'PY'
import json, sys
c = json.loads(sys.argv[1]); k = int(sys.argv[2]); m = int(sys.argv[3])
floor = (k + 1) * m * 4 / c["chacha20_bytes_per_s"] * 1e3
crypto = (2 * c["ed25519_sign_us"] + 2 * k * c["ed25519_verify_us"] + (2 + 2 * k) * c["x25519_us"]) / 1e3
print(f"per client: keystream floor {floor:.2f} ms, signatures and key agreements {crypto:.2f} ms; "
      f"a round can be no faster than {(floor + crypto) / floor:.2f}x its keystream floor")
PY
