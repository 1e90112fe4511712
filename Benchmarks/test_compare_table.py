#!/usr/bin/env python3
"""Unit checks of compare_table.py (standard library only).

Run: python3 -m unittest Benchmarks/test_compare_table.py   (or python3 Benchmarks/test_compare_table.py)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_table as ct  # noqa: E402


def flower_row(n: int, m: int, dropout: float, round_cpu: float | None, **extra: object) -> dict:
    stages = {"setup": 0.001, "share_keys": 0.01, "collect_masked_vectors": 0.1, "unmask": 0.0001}
    if round_cpu is None:
        stages = {k: None for k in stages}
    row = {
        "n": n,
        "m": m,
        "dropout": dropout,
        "num_shares": 9,
        "threshold": 5,
        "client_stage_cpu_s": stages,
        "server_cpu_s": None if round_cpu is None else 0.5,
        "round_cpu_s": round_cpu,
        "peak_rss_mb": None if round_cpu is None else 100.0,
        "wire_bytes_per_coordinate": None if round_cpu is None else 8.0264,
        "correct": None if round_cpu is None else True,
    }
    row.update(extra)
    return row


def ours_row(n: int, m: int, dropout: float, round_cpu: float, **extra: object) -> dict:
    row = {
        "n": n,
        "m": m,
        "dropout": dropout,
        "degree": 8,
        "threshold": 5,
        "round_cpu_s": round_cpu,
        "client_cpu_s": 0.01,
        "server_cpu_s": 0.02,
        "peak_rss_mb": 10.0,
        "wire_bytes_per_coordinate": 4.0,
        "client_mask_ratio": 1.3,
        "server_unmask_ratio": 1.1,
        "correct": True,
    }
    row.update(extra)
    return row


class JoinTests(unittest.TestCase):
    def test_speedup_is_flower_round_over_ours(self) -> None:
        rows = ct.join([flower_row(10, 10000, 0.0, 3.0)], [ours_row(10, 10000, 0.0, 0.5)])
        self.assertEqual(len(rows), 1)
        self.assertAlmostEqual(rows[0]["speedup"], 6.0)
        self.assertAlmostEqual(rows[0]["flower"]["client_cpu_s"], 0.1111)
        self.assertEqual(rows[0]["ours"]["client_mask_ratio"], 1.3)

    def test_speedup_ceiling_is_flower_round_over_our_crypto_floor(self) -> None:
        floor = {"crypto_floor_s": 0.4, "keystream_floor_s": 0.2}
        rows = ct.join([flower_row(100, 10**5, 0.0, 8.0)], [ours_row(100, 10**5, 0.0, 0.5, floor=floor)])
        self.assertAlmostEqual(rows[0]["speedup_ceiling"], 20.0)
        cells = ct.cells(rows[0])
        self.assertEqual(cells[-2:], ["1.25×", "20.0×"])
        without = ct.join([flower_row(100, 10**5, 0.0, 8.0)], [ours_row(100, 10**5, 0.0, 0.5)])
        self.assertIsNone(without[0]["speedup_ceiling"])
        self.assertEqual(ct.cells(without[0])[-2:], ["—", "—"])

    def test_rows_match_on_dropout_despite_float_noise(self) -> None:
        rows = ct.join([flower_row(100, 10**5, 0.1, 8.0)], [ours_row(100, 10**5, 0.1000000001, 1.0)])
        self.assertEqual(len(rows), 1)
        self.assertAlmostEqual(rows[0]["speedup"], 8.0)

    def test_one_sided_rows_are_kept_without_speedup(self) -> None:
        rows = ct.join([flower_row(10, 10**4, 0.0, 1.0)], [ours_row(500, 10**4, 0.0, 1.0)])
        self.assertEqual([(r["n"], r["flower"] is None, r["ours"] is None) for r in rows],
                         [(10, False, True), (500, True, False)])
        self.assertTrue(all(r["speedup"] is None for r in rows))
        self.assertEqual(rows[1]["num_shares"], 9)  # degree + 1

    def test_timed_out_flower_row_has_no_speedup_and_a_note(self) -> None:
        f = flower_row(10, 22713728, 0.0, None, error="timed out after 600 s")
        rows = ct.join([f], [ours_row(10, 22713728, 0.0, 5.0)])
        self.assertIsNone(rows[0]["speedup"])
        self.assertIsNone(rows[0]["flower"]["client_cpu_s"])
        self.assertIn("timed out after 600 s", ct.text_table(rows))

    def test_per_stage_client_cpu_object_is_summed(self) -> None:
        o = ours_row(10, 10**4, 0.0, 1.0, client_cpu_s={"mask": 0.25, "unmask": 0.5})
        rows = ct.join([], [o])
        self.assertAlmostEqual(rows[0]["ours"]["client_cpu_s"], 0.75)

    def test_failed_ours_correctness_shows_no(self) -> None:
        rows = ct.join([flower_row(10, 10**4, 0.0, 1.0)], [ours_row(10, 10**4, 0.0, 1.0, correct=False)])
        self.assertIn("yes / NO", ct.markdown_table(rows))


class OutputTests(unittest.TestCase):
    def test_main_writes_json_and_markdown(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            fpath, opath = os.path.join(d, "f.json"), os.path.join(d, "o.json")
            jpath, mpath = os.path.join(d, "latest.json"), os.path.join(d, "latest.md")
            with open(fpath, "w") as fh:
                json.dump({"flower": [flower_row(10, 10**4, 0.0, 2.0)]}, fh)
            with open(opath, "w") as fh:
                json.dump({"ours": [ours_row(10, 10**4, 0.0, 0.25)]}, fh)
            rc = ct.main(["--flower", fpath, "--ours", opath, "--out-json", jpath, "--out-md", mpath,
                          "--machine", '{"nproc": 2}'])
            self.assertEqual(rc, 0)
            with open(jpath) as fh:
                doc = json.load(fh)
            self.assertEqual(doc["machine"], {"nproc": 2})
            self.assertAlmostEqual(doc["configs"][0]["speedup"], 8.0)
            with open(mpath) as fh:
                md = fh.read()
            table_lines = [ln for ln in md.splitlines() if ln.startswith("|")]
            self.assertEqual(len(table_lines), 3)
            # Every Markdown row has as many cells as the header.
            self.assertEqual(len({ln.count("|") for ln in table_lines}), 1)
            self.assertIn("8.0×", md)

    def test_missing_input_file_exits_2(self) -> None:
        self.assertEqual(ct.main(["--flower", "/nonexistent/f.json", "--ours", "/nonexistent/o.json"]), 2)


if __name__ == "__main__":
    unittest.main()
