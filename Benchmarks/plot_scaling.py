"""Draws the chart of Benchmarks/scaling.sh's CSV: CPU, wall, keystream and crypto floors (seconds) and peak memory (MB)
against the number of clients, log-log, one line style per model.

    python plot_scaling.py results/scaling.csv results/scaling.svg   (needs matplotlib)
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str) -> None:
    with open(source, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    series = sorted({(r["model"], r["dp"]) for r in rows})
    fig, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for model, dp in series:
        points = sorted((int(r["clients"]), r) for r in rows if r["model"] == model and r["dp"] == dp)
        n = [p[0] for p in points]
        label = f"{model}{' DP' if dp == '1' else ''}"
        time_axis.plot(n, [float(p[1]["cpu_s"]) for p in points], "o-", label=f"{label}: CPU")
        time_axis.plot(n, [float(p[1]["wall_s"]) for p in points], "s--", label=f"{label}: wall")
        time_axis.plot(n, [float(p[1]["floor_s"]) for p in points], "^:", label=f"{label}: keystream floor")
        # The crypto floor (keystream + required signatures and key agreements): rows measured since it exists.
        floored = [(x, float(r["crypto_floor_s"])) for x, r in points if (r.get("crypto_floor_s") or "").strip()]
        if floored:
            time_axis.plot([x for x, _ in floored], [y for _, y in floored], "v-.", label=f"{label}: crypto floor")
        memory_axis.plot(n, [float(p[1]["peak_rss_mb"]) for p in points], "o-", label=label)
    for axis, title, unit in ((time_axis, "Time of one round", "seconds"), (memory_axis, "Peak memory", "MB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("clients")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    fig.suptitle("secagg-tool simulate, release build, one round, 2 shared cores")
    fig.tight_layout()
    fig.savefig(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
