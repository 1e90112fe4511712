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


def load(results: Path):
    runs = []
    for path in sorted(results.glob("*.json")):
        r = json.loads(path.read_text())
        r["file"] = path.name
        runs.append(r)
    return runs


def group_key(r):
    a = dict(r["args"])
    for k in ("seed", "out", "name", "work", "tool", "embeddings", "keep_updates", "skip_existing"):
        a.pop(k, None)
    return json.dumps(a, sort_keys=True)


def groups(runs):
    """Runs that differ only in --seed, seed 1 first."""
    out = {}
    for r in runs:
        out.setdefault(group_key(r), []).append(r)
    return [sorted(g, key=lambda r: r["args"]["seed"]) for g in out.values()]


def label(r) -> str:
    a = r["args"]
    if a["mode"] == "fedavg":
        return "FedAvg, plain numpy mean (non-private)"
    via = " via `serve` + `client`" if a["transport"] == "serve" else ""
    if a["mode"] == "secagg" and a["no_dp"]:
        return "secagg `--no-dp`" + via
    if a["mode"] == "secagg":
        bits = a["bits"] if a["bits"] else f"{r['history'][-1].get('bits')} (default)"
        return f"secagg DDGauss ε = {a['epsilon']:g}, b = {bits}" + via
    return f"central Gaussian ε = {a['epsilon']:g}" + (", PLD" if a.get("accountant") == "pld" else ", RDP")


def order_key(r):
    a = r["args"]
    mode = {"fedavg": 0, "secagg": 1, "central": 2}[a["mode"]]
    private = 0 if (a["mode"] == "fedavg" or a.get("no_dp")) else 1
    return (a["cohort"], a["transport"], private, -(a["epsilon"] or 0), mode, a.get("accountant") != "rdp",
            a.get("bits") or 0)


def acc_at(g, k):
    vals = [r["history"][k]["accuracy"] for r in g if k < len(r["history"])]
    return sum(vals) / len(vals) if vals else None


def final(g) -> str:
    vals = [r["final_accuracy"] for r in g]
    mean = sum(vals) / len(vals)
    if len(vals) == 1:
        return f"**{mean:.3f}**"
    sd = (sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) ** 0.5
    return f"**{mean:.3f}** ± {sd:.3f} ({len(vals)} seeds)"


def command(g) -> str:
    cmd = g[0]["command"].replace(" --skip-existing", "")
    if len(g) > 1:
        cmd += "` + `--seed " + ", ".join(str(r["args"]["seed"]) for r in g[1:])
    return f"`{cmd}`"


def spent(r) -> str:
    a = r["args"]
    if a["mode"] == "fedavg" or a.get("no_dp"):
        return "∞"
    value = r["history"][-1].get("epsilon") if a["mode"] == "secagg" else (r.get("calibration") or {}).get("epsilon")
    return f"{float(value):.3f}" if value is not None else "–"


def table(runs, rounds_shown):
    head = ("| cohort | run | z | noise/signal | " + " | ".join(f"round {k}" for k in rounds_shown)
            + " | final (round 20) | ε spent | command |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for g in sorted(groups(runs), key=lambda g: order_key(g[0])):
        r = g[0]
        a = r["args"]
        last = r["history"][-1]
        z = f"{r['noise_multiplier']:.3f}" if r.get("noise_multiplier") else "–"
        nts = last.get("noise_to_signal")
        nts = f"{nts:.3f}" if nts is not None else "–"
        cells = " | ".join(f"{x:.3f}" if x is not None else "–" for x in (acc_at(g, k) for k in rounds_shown))
        lines.append(f"| {a['cohort']:,} | {label(r)} | {z} | {nts} | {cells} | {final(g)} | {spent(r)} | {command(g)} |")
    return "\n".join(lines)


def serve_table(runs):
    lines = ["| run | accuracy after rounds 1, 2, 3 | max \\|released − plain mean\\| per round (noise included when private) | command |",
             "|---|---|---|---|"]
    def serve_key(r):
        a = r["args"]
        return (a["mode"] != "fedavg", not a.get("no_dp"), a["transport"] == "serve")

    for r in sorted(runs, key=serve_key):
        accs = ", ".join(f"{h['accuracy']:.4f}" for h in r["history"][1:])
        diffs = ", ".join(f"{h['released_minus_plain_max_abs']:.1e}" for h in r["history"][1:]
                          if "released_minus_plain_max_abs" in h) or "– (it is the plain mean)"
        lines.append(f"| {label(r)} | {accs} | {diffs} | `{r['command'].replace(' --skip-existing', '')}` |")
    return "\n".join(lines)


def replace_block(doc: str, name: str, body: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in doc or end not in doc:
        raise SystemExit(f"report: Docs/utility.md has no {begin} … {end} markers")
    before, rest = doc.split(begin, 1)
    _, after = rest.split(end, 1)
    return f"{before}{begin}\n{body}\n{end}{after}"


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
            elif a["mode"] == "secagg" and a["bits"] == 16:
                ax.plot(xs, ys, color=colors.get(a["epsilon"], "grey"), lw=1.8, label=f"DDGauss ε={a['epsilon']:g}, b=16")
            elif a["mode"] == "central" and a.get("accountant", "rdp") == "rdp":
                ax.plot(xs, ys, color=colors.get(a["epsilon"], "grey"), lw=1.2, ls="--",
                        label=f"central Gaussian ε={a['epsilon']:g}")
        ax.set_title(f"{n:,} clients per round (IID split), δ = 1/{n:,}")
        ax.set_xlabel("round")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="lower right")
    axes[0][0].set_ylabel("test accuracy (BBC News, 5 topics)")
    axes[0][0].set_ylim(0.4, 0.95)  # round 0 (the zero head) is at 0.20, below the plot
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
    shown = [int(k) for k in args.rounds_shown.split(",")]
    main_runs = [r for r in runs if r["args"]["cohort"] >= 100 and r["args"]["transport"] == "simulate"]
    doc = args.doc.read_text()
    doc = replace_block(doc, "utility-table-iid", table([r for r in main_runs if r["args"]["partition"] == "iid"], shown))
    doc = replace_block(doc, "utility-table-skew",
                        table([r for r in main_runs if r["args"]["partition"] == "label-skew"], shown))
    doc = replace_block(doc, "utility-table-serve", serve_table([r for r in runs if r["args"]["cohort"] < 100]))
    args.doc.write_text(doc)
    chart([r for r in main_runs if r["args"]["seed"] == 1], args.figure)
    print(f"report: {len(runs)} runs; wrote {args.doc} and {args.figure}")


if __name__ == "__main__":
    main()
