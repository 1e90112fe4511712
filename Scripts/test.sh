#!/usr/bin/env bash
# Runs every test of the package (installs libsodium-dev first when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# Line length: .swift-format's lineLength, counted in Unicode scalars, over Sources/ and Tests/ (generated
# protobuf code excepted). Plain awk, so CI needs no swift-format binary.
limit=$(sed -n 's/.*"lineLength": *\([0-9][0-9]*\).*/\1/p' .swift-format)
long=$(find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | sort -z \
    | xargs -0 env LC_ALL=C awk -v limit="$limit" \
        '{ n = length($0) - gsub(/[\200-\277]/, "&"); if (n > limit) print FILENAME ":" FNR ": " n " > " limit }')
if [ -n "$long" ]; then
    printf 'Lines longer than .swift-format lineLength (%s):\n%s\n' "$limit" "$long" >&2
    exit 1
fi
bash Scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build "$@"
# The wire vectors must be what the independent Python generator writes (optional: swift test never needs Python).
if command -v python3 >/dev/null 2>&1; then python3 Scripts/generate-wire-vectors.py --check; fi
# The README lines swift test cannot run (a release build; the MiniLM block needs PyPI and is skipped without it).
bash Scripts/check-readme-release-blocks.sh
# The HTML audit report in a real browser, where Debian's chromium is installed (never installed here: CI time).
if command -v chromium >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    bash Scripts/check-report-render.sh
else
    echo "test.sh: chromium not installed; skipping Scripts/check-report-render.sh"
fi
