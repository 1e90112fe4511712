"""The federated part of the example: the classification head, client shards, local SGD, clipping.

The shared model is all-MiniLM-L6-v2 with a linear classification head. The encoder is frozen (its
sentence embeddings are cached by prepare.py), so the trainable part, and the only part secagg
aggregates, is the head: `classifier.weight` [classes, 384] and `classifier.bias` [classes], the tensor
names of a BERT sequence-classification head. The head is its own safetensors model file, so secagg's
dimension d is the head's size (5 x 384 + 5 = 1,925), not the encoder's 22.7 million.
"""
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

WEIGHT = "classifier.weight"
BIAS = "classifier.bias"


def load_embeddings(path: Path):
    data = np.load(path)
    x, y, test = data["x"].astype(np.float32), data["y"], data["test"].astype(bool)
    return (x[~test], y[~test]), (x[test], y[test]), [str(c) for c in data["classes"]]


def zero_head(classes: int, width: int):
    return {WEIGHT: np.zeros((classes, width), dtype=np.float32), BIAS: np.zeros(classes, dtype=np.float32)}


def flatten(head) -> np.ndarray:
    return np.concatenate([head[WEIGHT].reshape(-1), head[BIAS].reshape(-1)]).astype(np.float64)


def unflatten(vector: np.ndarray, like) -> dict:
    w = like[WEIGHT]
    return {WEIGHT: vector[: w.size].reshape(w.shape).astype(np.float32),
            BIAS: vector[w.size :].reshape(like[BIAS].shape).astype(np.float32)}


def save_head(head, path: Path, num_examples=None):
    metadata = None if num_examples is None else {"num_examples": str(int(num_examples))}
    save_file({WEIGHT: np.ascontiguousarray(head[WEIGHT], dtype=np.float32),
               BIAS: np.ascontiguousarray(head[BIAS], dtype=np.float32)}, str(path), metadata=metadata)


def load_head(path: Path):
    tensors = load_file(str(path))
    return {WEIGHT: tensors[WEIGHT], BIAS: tensors[BIAS]}


def accuracy(head, x, y) -> float:
    logits = x @ head[WEIGHT].T.astype(np.float64) + head[BIAS].astype(np.float64)
    return float((logits.argmax(1) == y).mean())


def partition(y: np.ndarray, clients: int, scheme: str, rng: np.random.Generator):
    """Splits example indices into `clients` equal-sized shards (the remainder is left out).

    iid: a random permutation cut into equal pieces.
    label-skew: examples sorted by label, cut into 2 x clients pieces, each client takes two random
    pieces, so a client holds examples of at most two of the five classes (McMahan et al.'s pathological
    non-IID split).
    """
    n = len(y) // clients * clients
    if n == 0:
        raise SystemExit(f"run: {len(y)} training examples cannot be split across {clients} clients")
    if scheme == "iid":
        order = rng.permutation(len(y))[:n]
        return np.split(order, clients)
    if scheme == "label-skew":
        order = rng.permutation(len(y))
        order = order[np.argsort(y[order], kind="stable")][:n]
        pieces = np.array_split(order, 2 * clients)
        pick = rng.permutation(2 * clients)
        return [np.concatenate([pieces[pick[2 * i]], pieces[pick[2 * i + 1]]]) for i in range(clients)]
    raise SystemExit(f"run: unknown partition {scheme!r}; use iid or label-skew")


def local_sgd(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, steps: int, lr: float,
              batch: int, rng: np.random.Generator):
    """Plain minibatch SGD on softmax cross-entropy, starting from (w, b). Returns the new (w, b)."""
    w = w.astype(np.float64).copy()
    b = b.astype(np.float64).copy()
    n = len(y)
    size = min(batch, n)
    order = rng.permutation(n)
    pos = 0
    for _ in range(steps):
        if pos + size > n:
            order, pos = rng.permutation(n), 0
        idx = order[pos : pos + size]
        pos += size
        xb, yb = x[idx], y[idx]
        logits = xb @ w.T + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        p[np.arange(size), yb] -= 1.0
        p /= size
        w -= lr * (p.T @ xb)
        b -= lr * p.sum(0)
    return w, b


def clip(vector: np.ndarray, bound: float) -> np.ndarray:
    """Scales vector to L2 norm <= bound (secagg clips the whole flattened update the same way)."""
    norm = float(np.linalg.norm(vector))
    return vector if norm <= bound else vector * (bound / norm)
