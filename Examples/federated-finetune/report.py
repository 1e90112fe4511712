#!/usr/bin/env python3
"""Builds the table and chart of Docs/utility.md from the result files of run.py (results/*.json).

    python report.py            # rewrites the table between the markers in Docs/utility.md and
                                # Docs/figures/utility-accuracy.png
"""
import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BEGIN, END = "<!-- utility-table:begin -->", "<!-- utility-table:end -->"


def load(results: Path):
    runs = []
    for path in sorted(results.glob("*.json")):
        r = json.loads(path.read_text())
        r["file"] = path.name
        runs.append(r)
    return runs


def label(r) -> str:
    a = r["args"]
    if a["mode"] == "fedavg":
        return "FedAvg, plain numpy mean (non-private)"
    if a["mode"] == "secagg" and a["no_dp"]:
        return "secagg `--no-dp`" + (" via serve/client" if a["transport"] == "serve" else "")
    if a["mode"] == "secagg":
        bits = a["bits"] if a["bits"] else f"{r['history'][-1].get('bits')} (default)"
        return f"secagg DDGauss ε = {a['epsilon']:g}, b = {bits}"
    return f"central Gaussian ε = {a['epsilon']:g}" + (" (PLD)" if a.get("accountant") == "pld" else "")


def order_key(r):
    a = r["args"]
    mode = {"fedavg": 0, "secagg": 1, "central": 2}[a["mode"]]
    nodp = 0 if a.get("no_dp") else 1
    eps = -(a["epsilon"] or 0)
    return (a["partition"], a["cohort"], a["transport"], nodp if mode else 0, eps, mode, a.get("bits") or 0,
            a.get("accountant") or "")


def acc_at(r, k):
    h = r["history"]
    return h[k]["accuracy"] if k < len(h) else None


def table(runs, rounds_shown):
    head = ("| cohort | split | run | z | noise/signal | " + " | ".join(f"round {k}" for k in rounds_shown)
            + " | final | ε spent | command |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in sorted(runs, key=order_key):
        a = r["args"]
        last = r["history"][-1]
        z = f"{r['noise_multiplier']:.3f}" if r.get("noise_multiplier") else "–"
        nts = last.get("noise_to_signal")
        nts = f"{nts:.3f}" if nts is not None else "–"
        spent = last.get("epsilon")
        if a["mode"] == "central":
            spent = r["calibration"]["epsilon"] if r.get("calibration") else None
        spent = "∞" if (a["mode"] == "fedavg" or a.get("no_dp")) else (f"{float(spent):.3f}" if spent else "–")
        accs = [acc_at(r, k) for k in rounds_shown]
        cells = " | ".join(f"{x:.3f}" if x is not None else "–" for x in accs)
        lines.append(f"| {a['cohort']:,} | {a['partition']} | {label(r)} | {z} | {nts} | {cells} | "
                     f"**{r['final_accuracy']:.3f}** | {spent} | `{r['command']}` |")
    return "\n".join(lines)


def chart(runs, path: Path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    iid = [r for r in runs if r["args"]["partition"] == "iid" and r["args"]["transport"] == "simulate"]
    cohorts = sorted({r["args"]["cohort"] for r in iid})
    fig, axes = plt.subplots(1, len(cohorts), figsize=(6.2 * len(cohorts), 4.6), sharey=True, squeeze=False)
    colors = {1.0: "tab:red", 3.0: "tab:orange", 8.0: "tab:green"}
    for ax, n in zip(axes[0], cohorts):
        for r in sorted((r for r in iid if r["args"]["cohort"] == n), key=order_key):
            a = r["args"]
            xs = [h["round"] for h in r["history"]]
            ys = [h["accuracy"] for h in r["history"]]
            if a["mode"] == "fedavg":
                ax.plot(xs, ys, color="black", lw=2.5, label="FedAvg (non-private)")
            elif a["mode"] == "secagg" and a["no_dp"]:
                ax.plot(xs, ys, color="tab:blue", lw=1.2, ls=":", marker=".", label="secagg --no-dp")
            elif a["mode"] == "secagg":
                if a["bits"] not in (None, 16):
                    ax.plot(xs, ys, color=colors.get(a["epsilon"], "grey"), lw=0.8, alpha=0.6, ls="-.",
                            label=f"DDGauss ε={a['epsilon']:g}, b={a['bits']}")
                else:
                    ax.plot(xs, ys, color=colors.get(a["epsilon"], "grey"), lw=1.8,
                            label=f"DDGauss ε={a['epsilon']:g}, b=16")
            elif a.get("accountant", "rdp") == "rdp":
                ax.plot(xs, ys, color=colors.get(a["epsilon"], "grey"), lw=1.2, ls="--",
                        label=f"central Gaussian ε={a['epsilon']:g}")
        ax.set_title(f"{n:,} clients per round (IID split), δ = 1/{n:,}")
        ax.set_xlabel("round")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="lower right")
    axes[0][0].set_ylabel("test accuracy (BBC News, 5 topics)")
    fig.suptitle("Linear head on frozen all-MiniLM-L6-v2, d = 1,925: accuracy per round", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", type=Path, default=HERE / "results")
    p.add_argument("--doc", type=Path, default=REPO / "Docs" / "utility.md")
    p.add_argument("--figure", type=Path, default=REPO / "Docs" / "figures" / "utility-accuracy.png")
    p.add_argument("--rounds-shown", default="1,5,10")
    args = p.parse_args()
    runs = load(args.results)
    md = table(runs, [int(k) for k in args.rounds_shown.split(",")])
    doc = args.doc.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"report: {args.doc} has no {BEGIN} … {END} markers")
    before, rest = doc.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    args.doc.write_text(f"{before}{BEGIN}\n{md}\n{END}{after}")
    chart(runs, args.figure)
    print(f"report: {len(runs)} runs; wrote {args.doc} and {args.figure}")


if __name__ == "__main__":
    main()
