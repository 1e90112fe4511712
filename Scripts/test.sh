#!/usr/bin/env bash
# Runs every test of the package (installs libsodium-dev first when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build "$@"
