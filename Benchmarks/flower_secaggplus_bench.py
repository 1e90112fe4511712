#!/usr/bin/env python3
"""Benchmark Flower's own SecAgg+ code path (flwr 1.42.0) in one process, without networking.

What runs is Flower's code: the client stage functions `_setup`, `_share_keys`,
`_collect_masked_vectors` and `_unmask` of `flwr/client/mod/secure_aggregation/secaggplus_mod.py`,
called with the ConfigRecords they expect, and Flower's helper functions
(`flwr.common.secure_aggregation.*`: Shamir `combine_shares`, `generate_shared_key`,
`pseudo_rand_gen`, the ndarray arithmetic, `dequantize`) on the server side. Only the thin server
glue between stages is re-implemented here; it mirrors `SecAggPlusWorkflow` of
`flwr/server/workflow/secure_aggregation/secaggplus_workflow.py` line for line (neighbour ring,
public-key broadcast, ciphertext routing, `_check_threshold`, summation of the masked vectors,
unmasking with recovery of the dropped clients' pairwise masks, dequantisation). Messages that
Flower would send over gRPC are handed over as Python objects; the masked vectors are the bytes
Flower itself produces (`ndarray_to_bytes`, i.e. `np.save` of int64 arrays) and the server
deserialises them with Flower's `bytes_to_ndarray`, as the workflow does.

Each configuration runs in its own subprocess so that `ru_maxrss` (peak memory) is per
configuration, with a per-configuration timeout.

Usage:
    flower_secaggplus_bench.py [--configs all|quick|"n,m,dropout[,shares,threshold];..."]
                               [--json] [--timeout SECONDS] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

# The configurations of the side-by-side benchmark: (clients, coordinates, dropout fraction).
ALL_CONFIGS: list[tuple[int, int, float]] = [
    (10, 10**4, 0.0),
    (10, 10**6, 0.0),
    (100, 10**5, 0.0),
    (100, 10**5, 0.1),
    (100, 10**5, 0.3),
    (500, 10**4, 0.0),
    (10, 22_713_728, 0.0),
]
QUICK_CONFIGS: list[tuple[int, int, float]] = [
    (10, 10**4, 0.0),
    (100, 10**5, 0.0),
    (100, 10**5, 0.1),
]

# Flower's defaults (SecAggPlusWorkflow.__init__).
CLIPPING_RANGE = 8.0
QUANTIZATION_RANGE = 2**22
MODULUS_RANGE = 2**32
MAX_WEIGHT = 1000.0


@dataclass(frozen=True)
class BenchConfig:
    """One benchmark configuration: n clients, m coordinates, a dropout fraction, the share graph."""

    n: int
    m: int
    dropout: float
    num_shares: int
    threshold: int


def default_shares_threshold(n: int, dropout: float) -> tuple[int, int]:
    """num_shares / threshold used for both systems (the same graph degree and threshold).

    n = 10: 9/5; n = 100: 15/8 (15/5 at >= 30 % dropout, where Flower's own
    `_check_threshold` aborts with 8); n = 500: 19/10.
    """
    if n == 10:
        return 9, 5
    if n == 100:
        return (15, 5) if dropout >= 0.3 else (15, 8)
    if n == 500:
        return 19, 10
    raise ValueError(f"no default num_shares/threshold for n = {n}; give them as n,m,dropout,shares,threshold")


def parse_configs(spec: str) -> list[BenchConfig]:
    """Parse `all`, `quick` or `"n,m,dropout[,shares,threshold];..."` into configurations."""
    if spec == "all":
        triples: list[tuple[Any, ...]] = list(ALL_CONFIGS)
    elif spec == "quick":
        triples = list(QUICK_CONFIGS)
    else:
        triples = []
        for part in spec.split(";"):
            part = part.strip()
            if not part:
                continue
            fields = [f.strip() for f in part.split(",")]
            if len(fields) not in (3, 5):
                raise ValueError(f"bad configuration {part!r}: expected n,m,dropout or n,m,dropout,shares,threshold")
            n, m, d = int(fields[0]), int(float(fields[1])), float(fields[2])
            if len(fields) == 5:
                triples.append((n, m, d, int(fields[3]), int(fields[4])))
            else:
                triples.append((n, m, d))
    configs = []
    for t in triples:
        n, m, d = int(t[0]), int(t[1]), float(t[2])
        if n < 2 or m < 1 or not 0.0 <= d < 1.0:
            raise ValueError(f"bad configuration n={n} m={m} dropout={d}")
        shares, threshold = (int(t[3]), int(t[4])) if len(t) == 5 else default_shares_threshold(n, d)
        configs.append(BenchConfig(n, m, d, shares, threshold))
    return configs


# --------------------------------------------------------------------------------------------
# One configuration, in this process.
# --------------------------------------------------------------------------------------------


def run_one(cfg: BenchConfig, seed: int) -> dict[str, Any]:
    """Run one SecAgg+ round with Flower's code and return the measurements."""
    # Imports here so that the parent process stays small.
    import numpy as np

    from flwr.app import ConfigRecord
    import importlib

    from flwr.common import bytes_to_ndarray, ndarrays_to_parameters
    from flwr.common.secure_aggregation.crypto.shamir import combine_shares
    from flwr.common.secure_aggregation.crypto.symmetric_encryption import generate_shared_key
    from flwr.common.secure_aggregation.ndarrays_arithmetic import (
        factor_extract,
        get_parameters_shape,
        parameters_addition,
        parameters_mod,
        parameters_subtraction,
    )
    from flwr.common.secure_aggregation.quantization import dequantize
    from flwr.common.secure_aggregation.secaggplus_constants import Key
    from flwr.common.secure_aggregation.secaggplus_utils import pseudo_rand_gen
    from flwr.supercore.primitives.asymmetric import bytes_to_private_key, bytes_to_public_key

    # The package re-exports the function `secaggplus_mod` under the module's own name: load the module.
    mod = importlib.import_module("flwr.client.mod.secure_aggregation.secaggplus_mod")

    n, m = cfg.n, cfg.m
    # Fixed seeds: node IDs, inputs, who drops, the workflow's shuffle, the stochastic rounding.
    rng = np.random.default_rng(seed)
    random.seed(seed)  # SecAggPlusWorkflow uses the global `random.shuffle`
    np.random.seed(seed)  # Flower's `_stochastic_round` uses the global NumPy generator
    node_ids = [int(x) for x in rng.choice(2**62, size=n, replace=False) + 1]
    inputs = {nid: rng.uniform(-1.0, 1.0, m).astype(np.float32) for nid in node_ids}
    # The client app's output, in the form the mod receives it (legacy `Parameters`).
    client_parameters = {nid: ndarrays_to_parameters([inputs[nid]]) for nid in node_ids}
    # Weight = max_weight: q_ratio = quantization_range, the finest quantisation Flower allows.
    num_examples = int(MAX_WEIGHT)
    dropped = set(random.Random(seed + 1).sample(node_ids, round(cfg.dropout * n)))

    stage_cpu: dict[str, list[float]] = {
        "setup": [],
        "share_keys": [],
        "collect_masked_vectors": [],
        "unmask": [],
    }
    server_cpu: dict[str, float] = {}
    wire_bytes: list[int] = []

    def client_call(stage: str, fn: Any, *args: Any) -> Any:
        t0 = time.process_time()
        out = fn(*args)
        stage_cpu[stage].append(time.process_time() - t0)
        return out

    round_cpu0 = time.process_time()
    round_wall0 = time.perf_counter()

    # ---------------- Stage 0: setup (SecAggPlusWorkflow.setup_stage) ----------------
    t0 = time.process_time()
    sampled_node_ids = list(node_ids)
    num_samples = len(sampled_node_ids)
    num_shares, threshold = cfg.num_shares, cfg.threshold
    active_node_ids = set(sampled_node_ids)
    sa_params = {
        Key.SAMPLE_NUMBER: num_samples,
        Key.SHARE_NUMBER: num_shares,
        Key.THRESHOLD: threshold,
        Key.CLIPPING_RANGE: CLIPPING_RANGE,
        Key.TARGET_RANGE: QUANTIZATION_RANGE,
        Key.MOD_RANGE: MODULUS_RANGE,
        Key.MAX_WEIGHT: MAX_WEIGHT,
    }
    if num_samples != num_shares and num_shares & 1 == 0:
        num_shares += 1
    random.shuffle(sampled_node_ids)
    half_share = num_shares >> 1
    nid_to_neighbours = {
        nid: {sampled_node_ids[(idx + offset) % num_samples] for offset in range(-half_share, half_share + 1)}
        for idx, nid in enumerate(sampled_node_ids)
    }
    sampled = set(active_node_ids)
    server_cpu["setup"] = time.process_time() - t0

    states: dict[int, Any] = {}
    replies: dict[int, Any] = {}
    for nid in active_node_ids:
        state = mod.SecAggPlusState()
        state.nid = nid
        states[nid] = state
        replies[nid] = client_call("setup", mod._setup, state, ConfigRecord(dict(sa_params)))

    t0 = time.process_time()
    nid_to_publickeys = {nid: [r[Key.PUBLIC_KEY_1], r[Key.PUBLIC_KEY_2]] for nid, r in replies.items()}
    active_node_ids = set(replies)

    def check_threshold() -> bool:
        for node_id in sampled:
            if len(nid_to_neighbours[node_id] & active_node_ids) < threshold:
                return False
        return True

    ok = check_threshold()
    server_cpu["setup"] += time.process_time() - t0
    if not ok:
        return {"error": "Flower aborted after setup: insufficient available nodes"}

    # ---------------- Stage 1: share keys (share_keys_stage) ----------------
    t0 = time.process_time()
    requests = {}
    for nid in active_node_ids:
        neighbours = nid_to_neighbours[nid] & active_node_ids
        requests[nid] = ConfigRecord({str(x): nid_to_publickeys[x] for x in neighbours})
    server_cpu["share_keys"] = time.process_time() - t0

    replies = {nid: client_call("share_keys", mod._share_keys, states[nid], requests[nid]) for nid in active_node_ids}

    t0 = time.process_time()
    active_node_ids = set(replies)
    srcs: list[int] = []
    dsts: list[int] = []
    ciphertexts: list[bytes] = []
    fwd_ciphertexts: dict[int, list[bytes]] = {nid: [] for nid in active_node_ids}
    fwd_srcs: dict[int, list[int]] = {nid: [] for nid in active_node_ids}
    for node_id, res in replies.items():
        dst_lst = res[Key.DESTINATION_LIST]
        srcs += [node_id] * len(dst_lst)
        dsts += dst_lst
        ciphertexts += res[Key.CIPHERTEXT_LIST]
    for src, dst, ciphertext in zip(srcs, dsts, ciphertexts, strict=True):
        if dst in fwd_ciphertexts:
            fwd_ciphertexts[dst].append(ciphertext)
            fwd_srcs[dst].append(src)
    ok = check_threshold()
    server_cpu["share_keys"] += time.process_time() - t0
    if not ok:
        return {"error": "Flower aborted after share keys: insufficient available nodes"}

    # ---------------- Stage 2: collect masked vectors ----------------
    t0 = time.process_time()
    requests = {
        nid: ConfigRecord({Key.CIPHERTEXT_LIST: fwd_ciphertexts[nid], Key.SOURCE_LIST: fwd_srcs[nid]})
        for nid in active_node_ids
    }
    server_cpu["collect_masked_vectors"] = time.process_time() - t0

    replies = {}
    for nid in active_node_ids:
        if nid in dropped:  # drops after share keys: never answers this stage
            continue
        replies[nid] = client_call(
            "collect_masked_vectors",
            mod._collect_masked_vectors,
            states[nid],
            requests[nid],
            num_examples,
            client_parameters[nid],
        )
        wire_bytes.append(sum(len(b) for b in replies[nid][Key.MASKED_PARAMETERS]))

    t0 = time.process_time()
    active_node_ids = set(replies)
    del fwd_ciphertexts, fwd_srcs, requests
    masked_vector = None
    for res in replies.values():
        client_masked_vec = [bytes_to_ndarray(b) for b in res[Key.MASKED_PARAMETERS]]
        if masked_vector is None:
            masked_vector = client_masked_vec
        else:
            masked_vector = parameters_addition(masked_vector, client_masked_vec)
    assert masked_vector is not None
    masked_vector = parameters_mod(masked_vector, MODULUS_RANGE)
    ok = check_threshold()
    server_cpu["collect_masked_vectors"] += time.process_time() - t0
    del replies
    if not ok:
        return {"error": "Flower aborted after collect masked vectors: insufficient available nodes"}

    # ---------------- Stage 3: unmask ----------------
    t0 = time.process_time()
    active_nids = active_node_ids
    dead_nids = sampled - active_nids
    requests = {}
    for nid in active_node_ids:
        neighbours = nid_to_neighbours[nid]
        requests[nid] = ConfigRecord(
            {
                Key.ACTIVE_NODE_ID_LIST: list(neighbours & active_nids),
                Key.DEAD_NODE_ID_LIST: list(neighbours & dead_nids),
            }
        )
    server_cpu["unmask"] = time.process_time() - t0

    replies = {nid: client_call("unmask", mod._unmask, states[nid], requests[nid]) for nid in active_node_ids}

    t0 = time.process_time()
    collected_shares_dict: dict[int, list[bytes]] = {nid: [] for nid in sampled}
    for res in replies.values():
        for owner_nid, share in zip(res[Key.NODE_ID_LIST], res[Key.SHARE_LIST], strict=True):
            collected_shares_dict[owner_nid].append(share)
    for nid, share_list in collected_shares_dict.items():
        if len(share_list) < threshold:
            return {"error": "Flower aborted in unmask: not enough shares to recover a secret"}
        secret = combine_shares(share_list)
        if nid in active_nids:
            private_mask = pseudo_rand_gen(secret, MODULUS_RANGE, get_parameters_shape(masked_vector))
            masked_vector = parameters_subtraction(masked_vector, private_mask)
        else:
            neighbours = set(nid_to_neighbours[nid])
            neighbours.remove(nid)
            for neighbor_nid in neighbours:
                shared_key = generate_shared_key(
                    bytes_to_private_key(secret),
                    bytes_to_public_key(nid_to_publickeys[neighbor_nid][0]),
                )
                pairwise_mask = pseudo_rand_gen(shared_key, MODULUS_RANGE, get_parameters_shape(masked_vector))
                if nid > neighbor_nid:
                    masked_vector = parameters_addition(masked_vector, pairwise_mask)
                else:
                    masked_vector = parameters_subtraction(masked_vector, pairwise_mask)
    recon_parameters = parameters_mod(masked_vector, MODULUS_RANGE)
    q_total_ratio, recon_parameters = factor_extract(recon_parameters)
    inv_dq_total_ratio = QUANTIZATION_RANGE / q_total_ratio
    aggregated_vector = dequantize(recon_parameters, CLIPPING_RANGE, QUANTIZATION_RANGE)
    offset = -(len(active_nids) - 1) * CLIPPING_RANGE
    for vec in aggregated_vector:
        vec += offset
        vec *= inv_dq_total_ratio
    server_cpu["unmask"] += time.process_time() - t0

    round_cpu = time.process_time() - round_cpu0
    round_wall = time.perf_counter() - round_wall0

    # ---------------- Correctness: recovered average vs the survivors' plain average ----------------
    survivors = sorted(active_nids)
    expected = np.zeros(m, dtype=np.float64)
    for nid in survivors:
        expected += inputs[nid].astype(np.float64)
    expected /= len(survivors)
    got = aggregated_vector[0]
    max_abs_error = float(np.max(np.abs(got - expected)))
    # One quantisation step per coordinate from stochastic rounding (averaged over clients stays
    # below one step), plus Flower's float32 arithmetic before rounding (< half a step): 2 steps.
    step = 2 * CLIPPING_RANGE / QUANTIZATION_RANGE
    tolerance = 2 * step
    correct = bool(got.shape == expected.shape and max_abs_error <= tolerance)

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    mean = {k: (sum(v) / len(v) if v else None) for k, v in stage_cpu.items()}
    return {
        "client_stage_cpu_s": mean,
        "client_cpu_s_total": sum(sum(v) for v in stage_cpu.values()),
        "server_cpu_s": sum(server_cpu.values()),
        "server_stage_cpu_s": server_cpu,
        "round_cpu_s": round_cpu,
        "round_wall_s": round_wall,
        "peak_rss_mb": peak_kb / 1024.0,
        "wire_bytes_per_coordinate": (sum(wire_bytes) / len(wire_bytes)) / m,
        "survivors": len(survivors),
        "dropped": len(dead_nids),
        "max_abs_error": max_abs_error,
        "tolerance": tolerance,
        "correct": correct,
    }


# --------------------------------------------------------------------------------------------
# Driver: one subprocess per configuration.
# --------------------------------------------------------------------------------------------


def null_result(cfg: BenchConfig, error: str) -> dict[str, Any]:
    """A result row for a configuration that did not complete."""
    return {
        "client_stage_cpu_s": {"setup": None, "share_keys": None, "collect_masked_vectors": None, "unmask": None},
        "server_cpu_s": None,
        "round_cpu_s": None,
        "peak_rss_mb": None,
        "wire_bytes_per_coordinate": None,
        "correct": None,
        "error": error,
    }


def run_in_subprocess(cfg: BenchConfig, seed: int, timeout: float) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; peak memory is then per configuration."""
    spec = f"{cfg.n},{cfg.m},{cfg.dropout},{cfg.num_shares},{cfg.threshold}"
    cmd = [sys.executable, os.path.abspath(__file__), "--single", spec, "--seed", str(seed)]
    head = {"n": cfg.n, "m": cfg.m, "dropout": cfg.dropout, "num_shares": cfg.num_shares, "threshold": cfg.threshold}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {**head, **null_result(cfg, f"timed out after {timeout:g} s")}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {**head, **null_result(cfg, f"exit {proc.returncode}: {tail}")}
    try:
        body = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {**head, **null_result(cfg, "unreadable output from the configuration's subprocess")}
    if "error" in body:
        return {**head, **null_result(cfg, body["error"])}
    return {**head, **body}


def fmt(x: Any, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def print_table(rows: list[dict[str, Any]]) -> None:
    """Human-readable summary on stdout."""
    hdr = (
        f"{'n':>4} {'m':>9} {'drop':>5} {'k/t':>6} | {'setup':>8} {'share':>8} {'mask':>8} {'unmask':>8}"
        f" | {'server':>8} {'round':>8} {'RSS MB':>8} {'B/coord':>7} ok"
    )
    print("Flower SecAgg+ (flwr 1.42.0), CPU seconds; client stages are means per client")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        s = r["client_stage_cpu_s"]
        print(
            f"{r['n']:>4} {r['m']:>9} {r['dropout']:>5.2f} {str(r['num_shares']) + '/' + str(r['threshold']):>6} |"
            f" {fmt(s['setup'], '8.4f')} {fmt(s['share_keys'], '8.4f')} {fmt(s['collect_masked_vectors'], '8.3f')}"
            f" {fmt(s['unmask'], '8.5f')} | {fmt(r['server_cpu_s'], '8.3f')} {fmt(r['round_cpu_s'], '8.2f')}"
            f" {fmt(r['peak_rss_mb'], '8.1f')} {fmt(r['wire_bytes_per_coordinate'], '7.3f')}"
            f" {'—' if r['correct'] is None else ('yes' if r['correct'] else 'NO')}"
            + (f"  ({r['error']})" if r.get("error") else "")
        )


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--configs", default="quick", help='all | quick | "n,m,dropout[,shares,threshold];..."')
    p.add_argument("--json", action="store_true", help='print one JSON object {"flower": [...]}')
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per configuration (default 1800)")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument(
        "--list-configs",
        action="store_true",
        help="print the selected configurations, one 'n m dropout num_shares threshold' line each, and exit",
    )
    p.add_argument("--single", help=argparse.SUPPRESS)  # internal: run one configuration here
    args = p.parse_args(argv)

    if args.single:
        (cfg,) = parse_configs(args.single)
        print(json.dumps(run_one(cfg, args.seed)))
        return 0

    try:
        configs = parse_configs(args.configs)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.list_configs:
        for cfg in configs:
            print(cfg.n, cfg.m, cfg.dropout, cfg.num_shares, cfg.threshold)
        return 0
    rows = []
    for cfg in configs:
        print(f"flower: n={cfg.n} m={cfg.m} dropout={cfg.dropout} …", file=sys.stderr, flush=True)
        rows.append(run_in_subprocess(cfg, args.seed, args.timeout))
    if args.json:
        print(json.dumps({"flower": rows}, indent=1))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
