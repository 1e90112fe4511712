#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine that has only the Swift toolchain:
# libsodium's and SQLite's headers (SQLite for GRDB, the audit log) and pkg-config. Does nothing when they are already present.
set -euo pipefail
if pkg-config --exists libsodium 2>/dev/null && [ -f /usr/include/sodium.h ] && [ -f /usr/include/sqlite3.h ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "secagg: installing libsodium-dev, libsqlite3-dev and pkg-config (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libsodium-dev libsqlite3-dev pkg-config >/dev/null
