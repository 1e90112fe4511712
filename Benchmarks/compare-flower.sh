#!/usr/bin/env bash
# Side-by-side benchmark: Flower's SecAgg+ (flwr 1.42.0, its own code path, one process) against
# ours (secagg-bench, release build), on the same configurations (clients n, coordinates m,
# dropout fraction, same share graph degree and threshold), measured in CPU seconds.
#
#   Benchmarks/compare-flower.sh [--configs all|quick|"n,m,dropout[,shares,threshold];..."]
#                                [--timeout SECONDS] [--flower-only] [--ours-only]
#
# Writes Benchmarks/results/latest.json (both sides joined, plus the machine), latest.md (the
# table in Markdown), latest.svg (chart), latest-flower.json and latest-ours.json (raw), and prints the table.
# SECAGG_BENCH=/path/to/secagg-bench skips building ours.
# Flower lives in a virtual environment OUTSIDE the repository:
#   ${SECAGG_VENV:-$HOME/.cache/secagg/flower-venv}   (created on first use, reused afterwards).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RESULTS="$HERE/results"
VENV="${SECAGG_VENV:-$HOME/.cache/secagg/flower-venv}"
FLWR_VERSION="1.42.0"
CONFIGS="all"
TIMEOUT="1800"
RUN_FLOWER=1
RUN_OURS=1

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --configs) CONFIGS="${2:?--configs needs a value}"; shift 2 ;;
        --timeout) TIMEOUT="${2:?--timeout needs a value}"; shift 2 ;;
        --flower-only) RUN_OURS=0; shift ;;
        --ours-only) RUN_FLOWER=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare-flower: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "compare-flower: flwr $FLWR_VERSION needs Python >= 3.11 (set PYTHON=...)" >&2
    exit 1
fi

# ---- Flower's virtual environment (idempotent) ----
flower_ready() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$FLWR_VERSION" <<'EOF' >/dev/null 2>&1
import importlib, importlib.metadata as md, sys
assert md.version("flwr") == sys.argv[1]
importlib.import_module("flwr.client.mod.secure_aggregation.secaggplus_mod")
importlib.import_module("flwr.server.workflow.secure_aggregation.secaggplus_workflow")
EOF
}

ensure_flower() {
    if flower_ready; then return 0; fi
    echo "compare-flower: preparing Flower $FLWR_VERSION in $VENV …" >&2
    mkdir -p "$(dirname "$VENV")"
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
    local pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
    # flwr 1.42.0 pins certifi>=2026.10.19, newer than the index serves: install the wheel without
    # its dependencies, then exactly what the SecAgg+ client mod and workflow import (found by
    # importing both modules), within flwr's own version ranges.
    "${pip[@]}" --no-deps "flwr==$FLWR_VERSION"
    "${pip[@]}" \
        "numpy>=1.26.0,<3.0.0" \
        "cryptography>=50.0.0,<51.0.0" \
        "pycryptodome>=3.18.0,<4.0.0" \
        "protobuf>=5.28.0,<7.0.0" \
        "grpcio>=1.70.0,<2.0.0" \
        "httpx>=0.28.1,<1.0.0" \
        "typer>=0.13.0,<0.21.0" \
        "rich>=14.0.0,<15.0.0" \
        "iterators>=0.0.2,<0.0.3" 2>&1 | grep -v -e "dependency resolver" -e "requires .*, which is not installed" -e "which is incompatible" >&2 || true
    if ! flower_ready; then
        echo "compare-flower: Flower's SecAgg+ modules still fail to import from $VENV" >&2
        "$VENV/bin/python" -c "import flwr.client.mod.secure_aggregation.secaggplus_mod" >&2 || true
        exit 1
    fi
}

mkdir -p "$RESULTS"
FLOWER_JSON="$RESULTS/latest-flower.json"
OURS_JSON="$RESULTS/latest-ours.json"

# The configurations, one "n m dropout shares threshold" line each (the Python driver owns the list).
CONFIG_LINES="$("$PY" "$HERE/flower_secaggplus_bench.py" --configs "$CONFIGS" --list-configs)"

# ---- Flower ----
if [ "$RUN_FLOWER" = 1 ]; then
    ensure_flower
    "$VENV/bin/python" "$HERE/flower_secaggplus_bench.py" --configs "$CONFIGS" --timeout "$TIMEOUT" --json \
        > "$FLOWER_JSON.tmp"
    mv "$FLOWER_JSON.tmp" "$FLOWER_JSON"
elif [ ! -f "$FLOWER_JSON" ]; then
    echo '{"flower": []}' > "$FLOWER_JSON"
fi

# ---- Ours ----
if [ "$RUN_OURS" = 1 ]; then
    # SECAGG_BENCH: an already built secagg-bench (e.g. from another scratch path); otherwise build it here.
    BENCH="${SECAGG_BENCH:-}"
    if [ -z "$BENCH" ]; then
        (cd "$ROOT" && swift build -c release --product secagg-bench >&2)
        BENCH="$ROOT/.build/release/secagg-bench"
    fi
    RAW="$(mktemp -d)"
    trap 'rm -rf "$RAW"' EXIT
    i=0
    while read -r n m dropout shares threshold; do
        [ -n "$n" ] || continue
        i=$((i + 1))
        degree=$((shares - 1))
        echo "ours: n=$n m=$m dropout=$dropout degree=$degree threshold=$threshold …" >&2
        rc=0
        timeout "$TIMEOUT" "$BENCH" --clients "$n" --length "$m" --dropout "$dropout" --degree "$degree" \
            --threshold "$threshold" --bits 32 --json > "$RAW/$i.out" 2> "$RAW/$i.err" || rc=$?
        printf '%s %s %s %s %s %s\n' "$n" "$m" "$dropout" "$degree" "$threshold" "$rc" >> "$RAW/index"
    done <<< "$CONFIG_LINES"
    "$PY" - "$RAW" "$TIMEOUT" > "$OURS_JSON" <<'EOF'
import json, os, sys
raw, timeout = sys.argv[1], sys.argv[2]
rows = []
index = os.path.join(raw, "index")
lines = open(index).read().split("\n") if os.path.exists(index) else []
for i, line in enumerate((l for l in lines if l.strip()), start=1):
    n, m, dropout, degree, threshold, rc = line.split()
    row = {"n": int(n), "m": int(m), "dropout": float(dropout), "degree": int(degree), "threshold": int(threshold)}
    out = open(os.path.join(raw, f"{i}.out")).read().strip()
    err = open(os.path.join(raw, f"{i}.err")).read().strip().splitlines()
    if rc == "124":
        row["error"] = f"timed out after {timeout} s"
    elif rc != "0":
        row["error"] = f"exit {rc}: " + (err[-1] if err else "(no message)")
    else:
        try:
            body = json.loads(out)
            if not isinstance(body, dict) or "round_cpu_s" not in body:
                row["error"] = "secagg-bench printed no round_cpu_s (not the benchmark this script expects?)"
            else:
                row.update({k: v for k, v in body.items() if k not in row})
        except json.JSONDecodeError:
            row["error"] = "unreadable JSON from secagg-bench"
    rows.append(row)
print(json.dumps({"ours": rows}, indent=1))
EOF
elif [ ! -f "$OURS_JSON" ]; then
    echo '{"ours": []}' > "$OURS_JSON"
fi

# ---- The machine, then the joined table ----
MACHINE="$("$PY" - "$FLWR_VERSION" <<'EOF'
import json, os, platform, subprocess, sys, datetime
model = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
try:
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout.splitlines()[0]
except Exception:
    swift = None
print(json.dumps({
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "nproc": os.cpu_count(), "cpu_model": model, "os": platform.platform(),
    "python": platform.python_version(), "flwr": sys.argv[1], "swift": swift,
}))
EOF
)"
"$PY" "$HERE/compare_table.py" --flower "$FLOWER_JSON" --ours "$OURS_JSON" \
    --out-json "$RESULTS/latest.json" --out-md "$RESULTS/latest.md" --machine "$MACHINE"
"$PY" "$HERE/plot_chart.py" "$RESULTS/latest.json" -o "$RESULTS/latest.svg" >/dev/null
echo "compare-flower: wrote $RESULTS/latest.json, latest.md and latest.svg" >&2
