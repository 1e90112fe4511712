#!/usr/bin/env bash
# Runs the main job: `secagg-tool simulate` on its embedded default model (installs libsodium-dev
# first when missing). Extra arguments are passed to `simulate`, e.g. `Scripts/demo.sh --json`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/ensure-deps.sh
swift build -c release --product secagg-tool >&2
exec .build/release/secagg-tool simulate "$@"
