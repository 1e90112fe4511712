#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine that has only the Swift toolchain:
# libsodium's and SQLite's headers (SQLite for GRDB, the audit log), pkg-config, and openssl (the TLS tests
# make certificates with Scripts/dev-certs.sh). Does nothing when they are already present.
set -euo pipefail
if pkg-config --exists libsodium 2>/dev/null && [ -f /usr/include/sodium.h ] && [ -f /usr/include/sqlite3.h ] \
    && command -v openssl >/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "secagg: installing libsodium-dev, libsqlite3-dev, pkg-config and openssl (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libsodium-dev libsqlite3-dev pkg-config openssl >/dev/null
