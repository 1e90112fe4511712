#!/usr/bin/env python3
"""Join Flower's and our SecAgg+ benchmark results into one side-by-side table.

Inputs
  --flower FILE  the output of `flower_secaggplus_bench.py --json`: {"flower": [row, ...]}, each row
                 with n, m, dropout, num_shares, threshold, client_stage_cpu_s {setup, share_keys,
                 collect_masked_vectors, unmask} (means per client), server_cpu_s, round_cpu_s,
                 peak_rss_mb, wire_bytes_per_coordinate, correct (null + "error" when it failed).
  --ours FILE    {"ours": [row, ...]}, each row the configuration (n, m, dropout, degree, threshold)
                 merged with the JSON printed by `secagg-bench --json`: round_cpu_s, client_cpu_s,
                 server_cpu_s, peak_rss_mb, wire_bytes_per_coordinate, client_mask_ratio,
                 server_unmask_ratio, correct (or an "error" string when the run failed).
                 `client_cpu_s` is read as CPU seconds of one client for the whole round (mean per
                 client); when it is an object of per-stage seconds, its values are added up.

Outputs
  stdout         a plain-text table, one line per configuration, Flower and ours side by side;
  --out-json     {"configs": [{n, m, dropout, num_shares, threshold, flower: {...}, ours: {...},
                 speedup}], "machine": {...}}  (speedup = Flower round_cpu_s / ours round_cpu_s);
  --out-md       the same table in Markdown.

Rows are matched on (n, m, dropout); a configuration present on one side only is kept with the
other side empty. Needs nothing beyond the Python standard library.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

Key = tuple[int, int, float]


def config_key(row: dict[str, Any]) -> Key:
    """The join key of a result row: (clients, coordinates, dropout rounded to 1e-6)."""
    return int(row["n"]), int(row["m"]), round(float(row["dropout"]), 6)


def number(x: Any) -> float | None:
    """A finite number or None (JSON null, missing, or not a number)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x)


def flower_client_cpu(row: dict[str, Any]) -> float | None:
    """Flower: one client's CPU seconds for the round = sum of its per-stage means."""
    stages = row.get("client_stage_cpu_s") or {}
    vals = [number(v) for v in stages.values()]
    if not vals or any(v is None for v in vals):
        return None
    return float(sum(v for v in vals if v is not None))


def ours_client_cpu(row: dict[str, Any]) -> float | None:
    """Ours: `client_cpu_s` as a number, or the sum of its values when it is a per-stage object."""
    c = row.get("client_cpu_s")
    if isinstance(c, dict):
        vals = [number(v) for v in c.values()]
        if not vals or any(v is None for v in vals):
            return None
        return float(sum(v for v in vals if v is not None))
    return number(c)


def side(row: dict[str, Any] | None, client_cpu: Any) -> dict[str, Any] | None:
    """The common fields of one system's row, or None when the row is missing."""
    if row is None:
        return None
    out = {
        "client_cpu_s": client_cpu(row),
        "server_cpu_s": number(row.get("server_cpu_s")),
        "round_cpu_s": number(row.get("round_cpu_s")),
        "peak_rss_mb": number(row.get("peak_rss_mb")),
        "wire_bytes_per_coordinate": number(row.get("wire_bytes_per_coordinate")),
        "correct": row.get("correct") if isinstance(row.get("correct"), bool) else None,
    }
    for extra in ("client_stage_cpu_s", "client_mask_ratio", "server_unmask_ratio", "round_wall_s", "error"):
        if extra in row:
            out[extra] = row[extra]
    floor = row.get("floor")
    if isinstance(floor, dict) and number(floor.get("crypto_floor_s")):
        out["crypto_floor_s"] = number(floor.get("crypto_floor_s"))
    return out


def join(flower: list[dict[str, Any]], ours: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Match rows on (n, m, dropout), keeping Flower's order first, then ours-only rows."""
    by_ours = {config_key(r): r for r in ours}
    keys: list[Key] = []
    for r in flower + ours:
        k = config_key(r)
        if k not in keys:
            keys.append(k)
    by_flower = {config_key(r): r for r in flower}
    joined = []
    for k in keys:
        f, o = by_flower.get(k), by_ours.get(k)
        fs, os_ = side(f, flower_client_cpu), side(o, ours_client_cpu)
        shares = f.get("num_shares") if f else (o.get("degree", 0) + 1 if o and "degree" in o else None)
        threshold = f.get("threshold") if f else (o.get("threshold") if o else None)
        speedup = None
        if fs and os_ and fs["round_cpu_s"] and os_["round_cpu_s"]:
            speedup = fs["round_cpu_s"] / os_["round_cpu_s"]
        # The most any implementation of our protocol could gain on Flower here: Flower's round over our
        # crypto floor (keystream plus the required signatures and key agreements, secagg-bench's `floor`).
        ceiling = None
        if fs and os_ and fs["round_cpu_s"] and os_.get("crypto_floor_s"):
            ceiling = fs["round_cpu_s"] / os_["crypto_floor_s"]
        joined.append(
            {
                "n": k[0],
                "m": k[1],
                "dropout": k[2],
                "num_shares": shares,
                "threshold": threshold,
                "flower": fs,
                "ours": os_,
                "speedup": speedup,
                "speedup_ceiling": ceiling,
            }
        )
    return joined


def f_secs(x: float | None) -> str:
    """Seconds with three significant digits, '—' when missing."""
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def f_num(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def f_ok(x: bool | None) -> str:
    return "—" if x is None else ("yes" if x else "NO")


def f_m(m: int) -> str:
    """Coordinates in short form: 10^4, 22.7M."""
    for e in range(1, 10):
        if m == 10**e:
            return f"1e{e}"
    return f"{m / 1e6:.1f}M" if m >= 10**6 else str(m)


COLUMNS = [
    "config (n, m, drop, k/t)",
    "client CPU s F / ours",
    "server CPU s F / ours",
    "round CPU s F / ours",
    "peak MB F / ours",
    "B/coord F / ours",
    "correct F / ours",
    "speed-up",
    "ours / crypto floor",
    "speed-up at the floor",
]


def cells(row: dict[str, Any]) -> list[str]:
    """The table cells of one joined row."""
    f = row["flower"] or {}
    o = row["ours"] or {}

    def pair(key: str, render: Any) -> str:
        return f"{render(f.get(key))} / {render(o.get(key))}"

    cfg = f"{row['n']}, {f_m(row['m'])}, {row['dropout']:g}, {row['num_shares']}/{row['threshold']}"
    sp = "—" if row["speedup"] is None else f"{row['speedup']:.1f}×"
    return [
        cfg,
        pair("client_cpu_s", f_secs),
        pair("server_cpu_s", f_secs),
        pair("round_cpu_s", f_secs),
        pair("peak_rss_mb", lambda x: f_num(x, ".0f")),
        pair("wire_bytes_per_coordinate", lambda x: f_num(x, ".2f")),
        pair("correct", f_ok),
        sp,
        "—" if not o.get("crypto_floor_s") or not o.get("round_cpu_s") else f"{o['round_cpu_s'] / o['crypto_floor_s']:.2f}×",
        "—" if row.get("speedup_ceiling") is None else f"{row['speedup_ceiling']:.1f}×",
    ]


def notes(rows: list[dict[str, Any]]) -> list[str]:
    """Footnotes for configurations that failed or timed out on either side."""
    out = []
    for r in rows:
        for name, s in (("Flower", r["flower"]), ("ours", r["ours"])):
            if s is None:
                out.append(f"n={r['n']} m={r['m']} dropout={r['dropout']:g}: no {name} result")
            elif s.get("error"):
                out.append(f"n={r['n']} m={r['m']} dropout={r['dropout']:g}: {name}: {s['error']}")
    return out


def text_table(rows: list[dict[str, Any]]) -> str:
    """Fixed-width plain-text table."""
    body = [cells(r) for r in rows]
    widths = [max(len(c[i]) for c in [COLUMNS] + body) for i in range(len(COLUMNS))]
    line = lambda cs: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cs, widths)))  # noqa: E731
    out = [line(COLUMNS), "  ".join("-" * w for w in widths)] + [line(c) for c in body]
    out += [f"  * {n}" for n in notes(rows)]
    return "\n".join(out)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|"]
    out += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    n = notes(rows)
    if n:
        out.append("")
        out += [f"- {x}" for x in n]
    return "\n".join(out)


def load_rows(path: str, key: str) -> list[dict[str, Any]]:
    """Read {key: [...]} (or a bare list) from a JSON file."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    rows = doc.get(key, []) if isinstance(doc, dict) else doc
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a list under {key!r}")
    return rows


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Side-by-side table of Flower's and our SecAgg+ benchmark.")
    p.add_argument("--flower", required=True)
    p.add_argument("--ours", required=True)
    p.add_argument("--out-json")
    p.add_argument("--out-md")
    p.add_argument("--machine", help="a JSON object describing the machine, stored in --out-json")
    args = p.parse_args(argv)
    try:
        rows = join(load_rows(args.flower, "flower"), load_rows(args.ours, "ours"))
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(text_table(rows))
    machine = json.loads(args.machine) if args.machine else {}
    if args.out_json:
        with open(args.out_json, "w", encoding="utf-8") as fh:
            json.dump({"machine": machine, "configs": rows}, fh, indent=1)
            fh.write("\n")
    if args.out_md:
        with open(args.out_md, "w", encoding="utf-8") as fh:
            head = "CPU seconds (process time); client = one client's whole round, mean; F = Flower 1.42.0.\n\n"
            fh.write(head + markdown_table(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
