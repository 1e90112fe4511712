#!/usr/bin/env python3
"""Federated fine-tuning of a classification head on frozen all-MiniLM-L6-v2, aggregated by secagg.

Every round, every client (population = cohort, each takes part in every round) starts from the
current global head, runs local SGD on its shard of cached sentence embeddings, and sends its delta.
How the deltas are averaged is --mode:

  fedavg   the plain mean in numpy of the clipped deltas (non-private FedAvg)
  secagg   `secagg-tool simulate --updates DIR --model HEAD --model-out NEXT` (masked SecAgg+ rounds;
           DDGauss noise calibrated for --epsilon over all --rounds, or --no-dp)
  central  the plain mean plus continuous Gaussian noise N(0, (z C / n)^2) per coordinate, with z
           from `secagg-tool privacy calibrate --mechanism gaussian` at the same epsilon and delta

--transport serve runs the secagg rounds through `serve` and one `client` process per client instead.

Examples:
  python run.py --mode fedavg --cohort 1000
  python run.py --mode secagg --cohort 1000 --no-dp
  python run.py --mode secagg --cohort 1000 --epsilon 8 --bits 16
  python run.py --mode central --cohort 1000 --epsilon 8

The result (accuracy per round, the tool's reports, the commands it ran) is written as JSON to --out
(default results/NAME.json beside this script).
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import fedhead

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def default_cache() -> Path:
    return Path(os.environ.get("CACHE", Path.home() / ".cache" / "secagg-finetune"))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["fedavg", "secagg", "central"], required=True)
    p.add_argument("--epsilon", type=float, help="epsilon over all rounds (secagg, central); delta = 1/cohort")
    p.add_argument("--no-dp", action="store_true", help="secagg without noise (must match fedavg)")
    p.add_argument("--bits", type=int, default=None, help="secagg: bits per coordinate (default: the tool's)")
    p.add_argument("--cohort", type=int, default=100, help="clients per round (= the population)")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--partition", choices=["iid", "label-skew"], default="iid")
    p.add_argument("--clip", type=float, default=1.0, help="L2 clip of each client's whole delta")
    p.add_argument("--local-steps", type=int, default=10)
    p.add_argument("--local-lr", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--server-lr", type=float, default=1.0)
    p.add_argument("--accountant", choices=["rdp", "pld"], default="rdp",
                   help="central: accountant of the Gaussian calibration (rdp, as ddgauss uses)")
    p.add_argument("--transport", choices=["simulate", "serve"], default="simulate")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tool", type=Path, default=REPO / ".build" / "release" / "secagg-tool")
    p.add_argument("--embeddings", type=Path, default=None, help="default: $CACHE/bbc-minilm.npz")
    p.add_argument("--work", type=Path, default=None, help="heads and updates (default: $CACHE/runs/NAME)")
    p.add_argument("--keep-updates", action="store_true", help="keep every round's update files")
    p.add_argument("--name", default=None, help="run name (default: from the flags)")
    p.add_argument("--out", type=Path, default=None, help="result JSON (default: results/NAME.json)")
    p.add_argument("--skip-existing", action="store_true", help="do nothing when the result JSON exists")
    args = p.parse_args(argv)
    if args.mode == "fedavg" and (args.epsilon is not None or args.no_dp):
        p.error("fedavg is never private: drop --epsilon / --no-dp")
    if args.mode == "central" and args.epsilon is None:
        p.error("central needs --epsilon")
    if args.mode == "secagg" and (args.epsilon is None) == (not args.no_dp):
        p.error("secagg needs exactly one of --epsilon E or --no-dp")
    return args


def run_name(a) -> str:
    parts = [a.mode, f"n{a.cohort}", a.partition]
    if a.mode == "secagg":
        parts.append("nodp" if a.no_dp else f"eps{a.epsilon:g}")
        parts.append(f"b{a.bits}" if a.bits else "bdefault")
    elif a.mode == "central":
        parts.append(f"eps{a.epsilon:g}")
        if a.accountant != "rdp":
            parts.append(a.accountant)
    if a.transport == "serve":
        parts.append("serve")
    if a.seed != 1:
        parts.append(f"seed{a.seed}")
    return "-".join(parts)


_warned = set()


def tool_json(tool: Path, args, log) -> dict:
    cmd = [str(tool), *map(str, args), "--json"]
    log.append(shlex.join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"run: {shlex.join(cmd[:2])} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    for line in proc.stderr.splitlines():
        if "warning" in line.lower() and args[0] not in _warned:
            _warned.add(args[0])
            print(f"  (first warning of the run) {line.strip()}", file=sys.stderr)
    return json.loads(proc.stdout)


def calibrate(a, dimension: int, log) -> dict:
    """The noise multiplier z for --epsilon over all rounds at delta = 1/cohort."""
    common = ["privacy", "calibrate", "--target-epsilon", a.epsilon, "--delta", 1.0 / a.cohort,
              "--rounds", a.rounds, "--clip", a.clip]
    if a.mode == "central":
        return tool_json(a.tool, [*common, "--mechanism", "gaussian", "--accountant", a.accountant], log)
    extra = ["--mechanism", "ddgauss", "--cohort", a.cohort, "--min-survivors", a.cohort, "--dropout", 0,
             "--dimension", dimension, "--target-noise-ratio", 0.5]
    if a.bits:
        extra += ["--bits", a.bits]
    return tool_json(a.tool, [*common, *extra], log)


def secagg_flags(a, z) -> list:
    flags = ["--rounds", 1, "--dropout", 0, "--clip", a.clip, "--server-lr", a.server_lr]
    if a.no_dp:
        flags.append("--no-dp")
    else:
        flags += ["--noise-multiplier", z, "--delta", 1.0 / a.cohort]
        if a.bits:
            flags += ["--bits", a.bits]
    return flags


def main(argv=None):
    a = parse_args(argv)
    name = a.name or run_name(a)
    out = a.out or HERE / "results" / f"{name}.json"
    work = a.work or default_cache() / "runs" / name
    if a.skip_existing and out.exists():
        print(f"run: {name}: {out} exists; skipped", file=sys.stderr)
        return
    emb = a.embeddings or default_cache() / "bbc-minilm.npz"
    if not emb.exists():
        raise SystemExit(f"run: no cached embeddings at {emb}; run prepare.py first (see README.md)")
    if a.mode != "fedavg" and not a.tool.exists():
        raise SystemExit(f"run: no secagg-tool at {a.tool}; build it with "
                         "`swift build -c release --product secagg-tool` or pass --tool")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (train_x, train_y), (test_x, test_y), classes = fedhead.load_embeddings(emb)
    rng = np.random.default_rng(a.seed)
    shards = fedhead.partition(train_y, a.cohort, a.partition, rng)
    head = fedhead.zero_head(len(classes), train_x.shape[1])
    d = fedhead.flatten(head).size
    log: list[str] = []
    z = None
    calibration = None
    if a.mode in ("secagg", "central") and not a.no_dp:
        calibration = calibrate(a, d, log)
        z = calibration["noise_multiplier"]
        print(f"run: {name}: noise multiplier z = {z:.4f} for epsilon {a.epsilon:g} over {a.rounds} rounds, "
              f"delta = 1/{a.cohort}", file=sys.stderr)
    noise_rng = np.random.default_rng([a.seed, 7])
    history = [{"round": 0, "accuracy": fedhead.accuracy(head, test_x, test_y)}]
    ledger = work / "privacy.ledger"
    started = time.time()
    for r in range(1, a.rounds + 1):
        t0 = time.time()
        g = fedhead.flatten(head)
        deltas = np.zeros((a.cohort, d))
        for i, shard in enumerate(shards):
            crng = np.random.default_rng([a.seed, r, i])
            w, b = fedhead.local_sgd(head[fedhead.WEIGHT], head[fedhead.BIAS], train_x[shard], train_y[shard],
                                     a.local_steps, a.local_lr, a.batch_size, crng)
            deltas[i] = np.concatenate([w.reshape(-1), b]) - g
        # Float32 deltas, as written to the update files.
        deltas = deltas.astype(np.float32).astype(np.float64)
        norms = np.linalg.norm(deltas, axis=1)
        clipped = np.stack([fedhead.clip(v, a.clip) for v in deltas])
        plain_mean = clipped.mean(0)
        entry = {"round": r, "delta_norm_median": float(np.median(norms)),
                 "clipped_fraction": float((norms > a.clip).mean()),
                 "plain_mean_norm": float(np.linalg.norm(plain_mean))}
        if a.mode == "fedavg":
            head = fedhead.unflatten(g + a.server_lr * plain_mean, head)
        elif a.mode == "central":
            noise = noise_rng.normal(0.0, z * a.clip / a.cohort, size=d)
            entry["noise_norm"] = float(np.linalg.norm(noise))
            entry["noise_to_signal"] = float(z * np.sqrt(d) / a.cohort)
            head = fedhead.unflatten(g + a.server_lr * (plain_mean + noise), head)
        else:
            current = work / f"head-{r - 1:03d}.safetensors"
            nxt = work / f"head-{r:03d}.safetensors"
            updates = work / f"updates-{r:03d}"
            updates.mkdir()
            fedhead.save_head(head, current)
            for i, v in enumerate(deltas):
                fedhead.save_head(fedhead.unflatten(v, head), updates / f"client-{i + 1:04d}.safetensors",
                                  num_examples=len(shards[i]))
            flags = secagg_flags(a, z)
            if a.transport == "serve":
                import serve_round
                report = serve_round.run(a.tool, current, nxt, updates, work / f"serve-{r:03d}", flags,
                                         ledger, a.seed * 1000 + r, log)
            else:
                report = tool_json(a.tool, ["simulate", "--model", current, "--updates", updates, "--model-out", nxt,
                                            "--ledger", ledger, "--seed", a.seed * 1000 + r, *flags], log)
            rr = report["rounds"][-1]
            head = fedhead.load_head(nxt)
            # How far the released average is from the plain mean of the clipped deltas.
            released = (fedhead.flatten(head) - g) / a.server_lr
            entry.update({k: rr.get(k) for k in ("bits", "scale", "noise_multiplier", "noise_stddev", "noise_norm",
                                                  "noise_to_signal", "epsilon_round", "epsilon", "max_abs_error",
                                                  "survivors", "degree", "threshold")})
            entry["released_minus_plain_max_abs"] = float(np.abs(released - plain_mean).max())
            entry["released_minus_plain_norm"] = float(np.linalg.norm(released - plain_mean))
            if not a.keep_updates:
                shutil.rmtree(updates)
        entry["accuracy"] = fedhead.accuracy(head, test_x, test_y)
        entry["seconds"] = round(time.time() - t0, 2)
        history.append(entry)
        extra = ""
        if "noise_to_signal" in entry and entry["noise_to_signal"] is not None:
            extra = f"  noise/signal {entry['noise_to_signal']:.3f}"
        if entry.get("epsilon") is not None:
            extra += f"  epsilon {entry['epsilon']}"
        print(f"run: {name}: round {r}/{a.rounds}: test accuracy {entry['accuracy']:.4f}{extra} "
              f"({entry['seconds']:.1f} s)", file=sys.stderr)
    fedhead.save_head(head, work / "head-final.safetensors")
    result = {
        "name": name,
        "command": "python run.py " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
        "dimension": d, "train_examples": int(len(train_y)), "test_examples": int(len(test_y)),
        "examples_per_client": int(len(shards[0])), "delta": 1.0 / a.cohort,
        "noise_multiplier": z, "calibration": calibration,
        "final_accuracy": history[-1]["accuracy"], "history": history,
        "seconds": round(time.time() - started, 1), "tool_commands": log[:3] + (["…"] if len(log) > 3 else []),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"run: {name}: final test accuracy {result['final_accuracy']:.4f}; wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
