#!/usr/bin/env bash
# Runs every test of the package (installs libsodium-dev first when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build "$@"
# The wire vectors must be what the independent Python generator writes (optional: swift test never needs Python).
if command -v python3 >/dev/null 2>&1; then python3 Scripts/generate-wire-vectors.py --check; fi
# The HTML audit report in a real browser, where Debian's chromium is installed (never installed here: CI time).
if command -v chromium >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    bash Scripts/check-report-render.sh
else
    echo "test.sh: chromium not installed; skipping Scripts/check-report-render.sh"
fi
