#!/usr/bin/env bash
# Runs the rows of the table in Docs/utility.md, most informative first (each `run` line is one
# run.py command, i.e. one row or one seed of a row), then rebuilds the table and the chart. A result
# that exists already is skipped, so the script resumes where it stopped. Needs setup.sh, prepare.py
# and a release secagg-tool (see README.md).
#
#   Examples/federated-finetune/grid.sh            # everything: several hours on 2 cores (cohort 1,000
#                                                  # secagg runs take 7-15 min each)
#   Examples/federated-finetune/grid.sh quick      # cohorts 100 and 1,000 at ε = 8 and 1, b = 16
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VENV:-$HOME/.cache/secagg-finetune-venv}"
py="$venv/bin/python"
cd "$here"
run() { echo "+ python run.py $*" >&2; "$py" run.py --skip-existing "$@"; }

# 1. The core rows: cohorts 100 and 1,000, ε = 8 and 1 at b = 16, against FedAvg, --no-dp, central.
for n in 100 1000; do
    run --mode fedavg --cohort "$n"
    run --mode secagg --cohort "$n" --no-dp
    for e in 8 1; do
        run --mode central --cohort "$n" --epsilon "$e"
        run --mode secagg --cohort "$n" --epsilon "$e" --bits 16
    done
done
if [ "${1:-}" = quick ]; then "$py" report.py; exit 0; fi

# 2. The networked path: serve + one client process per client, against simulate on the same updates.
run --mode secagg --cohort 20 --rounds 3 --no-dp --transport serve
run --mode secagg --cohort 20 --rounds 3 --no-dp
run --mode fedavg --cohort 20 --rounds 3
run --mode secagg --cohort 20 --rounds 3 --epsilon 8 --bits 16 --transport serve
run --mode secagg --cohort 20 --rounds 3 --epsilon 8 --bits 16

# 3. Label-skewed split (each client holds at most two of the five topics).
for n in 100 1000; do
    run --mode fedavg --cohort "$n" --partition label-skew
    run --mode central --cohort "$n" --partition label-skew --epsilon 8
done
run --mode secagg --cohort 100 --partition label-skew --no-dp
run --mode secagg --cohort 100 --partition label-skew --epsilon 8 --bits 16

# 4. Cohort 100: every bit width, and two more seeds of every row (partition, local SGD and noise).
for seed in 1 2 3; do
    run --mode fedavg --cohort 100 --seed "$seed"
    run --mode secagg --cohort 100 --no-dp --seed "$seed"
    for e in 8 3 1; do
        run --mode central --cohort 100 --epsilon "$e" --seed "$seed"
        for b in 12 16 20; do run --mode secagg --cohort 100 --epsilon "$e" --bits "$b" --seed "$seed"; done
    done
done

# 5. ε = 3; central calibrated with PLD (tighter than RDP: less noise at the same ε).
for n in 100 1000; do
    run --mode central --cohort "$n" --epsilon 3
    for e in 8 3 1; do run --mode central --cohort "$n" --epsilon "$e" --accountant pld; done
done
run --mode secagg --cohort 100 --epsilon 3 --bits 16
run --mode secagg --cohort 1000 --epsilon 3 --bits 16

# 6. Cohort 1,000 at b = 12, the label-skewed split at 1,000, then b = 20.
for e in 8 1; do run --mode secagg --cohort 1000 --epsilon "$e" --bits 12; done
run --mode secagg --cohort 1000 --partition label-skew --epsilon 8 --bits 16
run --mode secagg --cohort 1000 --partition label-skew --no-dp
run --mode secagg --cohort 1000 --epsilon 3 --bits 12
for e in 8 1 3; do run --mode secagg --cohort 1000 --epsilon "$e" --bits 20; done
"$py" report.py
