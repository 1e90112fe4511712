#!/usr/bin/env python3
"""Turn benchmark results into an SVG chart of CPU seconds per round, Flower against ours.

    plot_chart.py [RESULTS_JSON] [-o OUT.svg]

RESULTS_JSON is Benchmarks/results/latest.json as written by compare_table.py
({"configs": [{n, m, dropout, flower: {round_cpu_s…}, ours: {round_cpu_s…}}]}), or a raw
{"flower": [...]} / {"ours": [...]} file. Three log-log panels:
  1. round CPU seconds vs coordinates m, for the smallest n without dropout;
  2. round CPU seconds vs clients n, without dropout (each point labelled with its m);
  3. round CPU seconds vs dropout fraction (linear x), for the n and m that have several dropouts.
The SVG is written by hand: standard library only, no matplotlib.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any
from xml.sax.saxutils import escape

SYSTEMS = [("flower", "Flower 1.42.0", "#d9822b"), ("ours", "secagg (ours)", "#2b6cd9")]
PANEL_W, PANEL_H = 360, 280
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 62, 16, 36, 48


def load(path: str) -> list[dict[str, Any]]:
    """Rows of {n, m, dropout, flower: float|None, ours: float|None} (round CPU seconds)."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    rows: list[dict[str, Any]] = []
    if "configs" in doc:
        for c in doc["configs"]:
            rows.append(
                {
                    "n": c["n"],
                    "m": c["m"],
                    "dropout": c["dropout"],
                    "flower": (c.get("flower") or {}).get("round_cpu_s"),
                    "ours": (c.get("ours") or {}).get("round_cpu_s"),
                }
            )
        return rows
    for system, _, _ in SYSTEMS:
        for c in doc.get(system, []):
            rows.append({"n": c["n"], "m": c["m"], "dropout": c["dropout"], system: c.get("round_cpu_s")})
    return rows


def short(m: int) -> str:
    """10^4 → '1e4', 22713728 → '22.7M'."""
    e = round(math.log10(m)) if m > 0 else 0
    if m == 10**e:
        return f"1e{e}"
    return f"{m / 1e6:.1f}M" if m >= 10**6 else str(m)


def log_ticks(lo: float, hi: float) -> list[float]:
    """Decades covering [lo, hi]."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if a == b:
        b += 1
    return [10.0**k for k in range(a, b + 1)]


def tick_label(v: float) -> str:
    if 1e-3 <= v < 1e4:
        return f"{v:g}"
    return f"1e{round(math.log10(v))}"


def panel(
    ox: float, oy: float, title: str, xlabel: str, series: dict[str, list[tuple[float, float, str]]], xlog: bool
) -> list[str]:
    """One chart panel at (ox, oy); series maps system → [(x, seconds, label)]."""
    out = [f'<g transform="translate({ox},{oy})">']
    out.append(f'<text x="{PANEL_W / 2}" y="18" text-anchor="middle" font-weight="bold">{escape(title)}</text>')
    pts = [p for s in series.values() for p in s if p[1] and p[1] > 0]
    x0, y0 = MARGIN_L, PANEL_H - MARGIN_B
    w, h = PANEL_W - MARGIN_L - MARGIN_R, PANEL_H - MARGIN_T - MARGIN_B
    out.append(f'<rect x="{x0}" y="{MARGIN_T}" width="{w}" height="{h}" fill="none" stroke="#999"/>')
    if not pts:
        out.append(f'<text x="{x0 + w / 2}" y="{MARGIN_T + h / 2}" text-anchor="middle" fill="#777">no data</text>')
        out.append("</g>")
        return out
    yt = log_ticks(min(p[1] for p in pts), max(p[1] for p in pts))
    ylo, yhi = math.log10(yt[0]), math.log10(yt[-1])
    xs = [p[0] for p in pts]
    if xlog:
        xt = log_ticks(min(xs), max(xs))
        xlo, xhi = math.log10(xt[0]), math.log10(xt[-1])
        fx = lambda v: x0 + (math.log10(v) - xlo) / (xhi - xlo) * w  # noqa: E731
    else:
        tenths = max(1, math.ceil(max(xs) * 10 - 1e-9))
        xt = [k / 10 for k in range(tenths + 1)]
        xlo, xhi = 0.0, xt[-1]
        fx = lambda v: x0 + (v - xlo) / (xhi - xlo) * w  # noqa: E731
    fy = lambda v: y0 - (math.log10(v) - ylo) / (yhi - ylo) * h  # noqa: E731
    for t in yt:
        y = fy(t)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick_label(t)}</text>')
    for t in xt:
        x = fx(t)
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 4}" stroke="#999"/>')
        label = tick_label(t) if xlog else f"{t:g}"
        out.append(f'<text x="{x:.1f}" y="{y0 + 17}" text-anchor="middle" font-size="11">{label}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{PANEL_H - 10}" text-anchor="middle" font-size="12">{escape(xlabel)}</text>')
    out.append(
        f'<text transform="translate(14,{MARGIN_T + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">'
        "CPU s per round</text>"
    )
    for system, _, colour in SYSTEMS:
        s = sorted((p for p in series.get(system, []) if p[1] and p[1] > 0), key=lambda p: p[0])
        # Lines join only points with the same label (e.g. the same m in the vs-n panel).
        for group in sorted({p[2] for p in s}):
            g = [p for p in s if p[2] == group]
            if len(g) > 1:
                path = " ".join(f"{fx(x):.1f},{fy(y):.1f}" for x, y, _ in g)
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, label in s:
            out.append(f'<circle cx="{fx(x):.1f}" cy="{fy(y):.1f}" r="4" fill="{colour}"/>')
            if label:
                out.append(
                    f'<text x="{fx(x) + 6:.1f}" y="{fy(y) - 6:.1f}" font-size="10" fill="{colour}">{escape(label)}</text>'
                )
    out.append("</g>")
    return out


def chart(rows: list[dict[str, Any]]) -> str:
    """The whole SVG document."""
    no_drop = [r for r in rows if r["dropout"] == 0]
    n_min = min((r["n"] for r in no_drop), default=None)
    by_m = [r for r in no_drop if r["n"] == n_min]
    # Dropout panel: the (n, m) pair with the most dropout values.
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["n"], r["m"]), []).append(r)
    drop_key = max(groups, key=lambda k: len(groups[k]), default=None)
    by_drop = groups.get(drop_key, []) if drop_key and len(groups[drop_key]) > 1 else []

    def series(sel: list[dict[str, Any]], xkey: str, label: Any) -> dict[str, list[tuple[float, float, str]]]:
        return {s: [(float(r[xkey]), r.get(s), label(r)) for r in sel if r.get(s)] for s, _, _ in SYSTEMS}

    width, height = 3 * PANEL_W + 20, PANEL_H + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    out += panel(10, 10, f"vs coordinates m (n = {n_min}, no dropout)", "coordinates m",
                 series(by_m, "m", lambda r: ""), True)
    out += panel(10 + PANEL_W, 10, "vs clients n (no dropout)", "clients n",
                 series(no_drop, "n", lambda r: f"m={short(r['m'])}"), True)
    title = f"vs dropout (n = {drop_key[0]}, m = {short(drop_key[1])})" if by_drop and drop_key else "vs dropout"
    out += panel(10 + 2 * PANEL_W, 10, title, "dropout fraction", series(by_drop, "dropout", lambda r: ""), False)
    lx = 10 + MARGIN_L
    for i, (_, name, colour) in enumerate(SYSTEMS):
        x = lx + i * 170
        out.append(f'<rect x="{x}" y="{PANEL_H + 32}" width="14" height="14" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{PANEL_H + 44}">{escape(name)}</text>')
    out.append(
        f'<text x="{width - 10}" y="{PANEL_H + 44}" text-anchor="end" fill="#555" font-size="11">'
        "whole round in one process, CPU seconds (log scale)</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="SVG chart of round CPU time, Flower vs ours.")
    p.add_argument("results", nargs="?", default="Benchmarks/results/latest.json")
    p.add_argument("-o", "--output", default="Benchmarks/results/latest.svg")
    args = p.parse_args(argv)
    try:
        rows = load(args.results)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(chart(rows))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
