#!/usr/bin/env bash
# Times the Swift PLD accountant (dpnoise-bench --pld) and dp-accounting 0.6's PLDAccountant on the same cases,
# in the same run, and prints ε from both and the time ratio.
#
#   Benchmarks/pld-vs-dp-accounting.sh [repetitions]
#
# The Python side lives in a venv OUTSIDE the repository (default /tmp/venv-pld, override with PLD_VENV); it is
# created with dp-accounting==0.6.0 on first use. `swift test` never needs Python.
# Cases: ε at δ = 1e-5 of T rounds of the Poisson-subsampled Gaussian, discretisation 1e-4 (both defaults):
#   q = 0.001, z = 1, T = 2000   and   q = 0.01, z = 1, T = 10000.
# Figures are medians of the repetitions (default 5): wall ms and CPU ms (process time) per full accountant run.
set -euo pipefail
REPETITIONS="${1:-5}"
VENV="${PLD_VENV:-/tmp/venv-pld}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
case "$VENV" in "$REPO"/*) echo "PLD_VENV must be outside the repository" >&2; exit 2 ;; esac

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import dp_accounting' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q dp-accounting==0.6.0
fi

swift build -c release --product dpnoise-bench --package-path "$REPO" >&2
BIN="$(swift build -c release --product dpnoise-bench --package-path "$REPO" --show-bin-path)/dpnoise-bench"
SWIFT_JSON="$("$BIN" --pld --json --repetitions "$REPETITIONS")"

"$VENV/bin/python" - "$SWIFT_JSON" "$REPETITIONS" <<'PY'
import json
import statistics
import sys
import time

import dp_accounting as dpa
from dp_accounting.pld import pld_privacy_accountant

swift = json.loads(sys.argv[1])
repetitions = int(sys.argv[2])
cases = [(0.001, 1.0, 2000), (0.01, 1.0, 10000)]


def epsilon(q, z, steps):
    accountant = pld_privacy_accountant.PLDAccountant(value_discretization_interval=1e-4)
    event = dpa.PoissonSampledDpEvent(q, dpa.GaussianDpEvent(z))
    accountant.compose(dpa.SelfComposedDpEvent(event, steps))
    return accountant.get_epsilon(1e-5)


print(f"{'case':<24} {'eps swift':>12} {'eps dp-acc':>12} {'rel diff':>9} "
      f"{'swift ms':>9} {'dp-acc ms':>10} {'wall x':>7} {'swift cpu':>10} {'dp-acc cpu':>11} {'cpu x':>6}")
for q, z, steps in cases:
    walls, cpus, eps = [], [], None
    for _ in range(repetitions):
        wall, cpu = time.perf_counter(), time.process_time()
        eps = epsilon(q, z, steps)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    key = f"pld_q{q}_z{z}_T{steps}"
    s_eps, s_ms, s_cpu = swift[key + "_epsilon"], swift[key + "_ms"], swift[key + "_cpu_ms"]
    p_ms, p_cpu = statistics.median(walls), statistics.median(cpus)
    print(f"{f'q={q} z={z} T={steps}':<24} {s_eps:>12.8f} {eps:>12.8f} {(s_eps - eps) / eps:>9.1e} "
          f"{s_ms:>9.1f} {p_ms:>10.1f} {p_ms / s_ms:>7.1f} {s_cpu:>10.1f} {p_cpu:>11.1f} {p_cpu / s_cpu:>6.1f}")
PY
