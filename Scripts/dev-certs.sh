#!/usr/bin/env bash
# Makes a self-signed development CA and a server certificate for localhost / 127.0.0.1 (and any extra
# names given), for `serve --tls-cert/--tls-key` and `client --tls-ca`. NOT for production: the CA key sits
# next to the certificates. See Docs/operations.md.
#
# Usage: Scripts/dev-certs.sh DIR [EXTRA_DNS_OR_IP ...]
# Writes DIR/ca.pem, DIR/ca.key, DIR/server.pem, DIR/server.key (keys mode 0600).
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 DIR [EXTRA_DNS_OR_IP ...]" >&2; exit 2; fi
command -v openssl >/dev/null || { echo "dev-certs: openssl not found (apt-get install -y openssl)" >&2; exit 2; }
DIR="$1"; shift
mkdir -p "$DIR"
umask 077
SAN="DNS:localhost,IP:127.0.0.1,IP:::1"
for extra in "$@"; do
  if [[ "$extra" =~ ^[0-9.]+$ || "$extra" == *:* ]]; then SAN="$SAN,IP:$extra"; else SAN="$SAN,DNS:$extra"; fi
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=secagg dev CA" -keyout "$DIR/ca.key" -out "$DIR/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=localhost" -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
EXT="$(mktemp)"
trap 'rm -f "$EXT" "$DIR/server.csr"' EXIT
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$SAN" > "$EXT"
openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
  -days 30 -out "$DIR/server.pem" -extfile "$EXT" 2>/dev/null
chmod 0644 "$DIR/ca.pem" "$DIR/server.pem"
rm -f "$DIR/ca.srl"
echo "wrote $DIR/ca.pem $DIR/ca.key $DIR/server.pem $DIR/server.key (SAN $SAN)"
