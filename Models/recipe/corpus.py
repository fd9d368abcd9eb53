"""Corpus loading, held-out filtering and the grouped, stratified validation split.

The held-out rule (SOURCES.md): normalize with Unicode NFKC, lowercase, collapse whitespace runs to one
space, trim; SHA-256 of the UTF-8 bytes, hex. Any row whose prompt or response hashes into
heldout-sha256.txt is dropped, and the same filter is applied to everything generated from the corpus.
"""
import hashlib
import json
import random
import re
import unicodedata
from pathlib import Path

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def sha(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


class HeldoutFilter:
    """Drops any text whose normalized SHA-256 is listed in heldout-sha256.txt."""

    def __init__(self, path: Path):
        self.hashes = {line.strip().split()[0] for line in path.read_text().splitlines() if line.strip()}
        self.dropped = 0

    def ok(self, *texts) -> bool:
        for t in texts:
            if t is not None and sha(t) in self.hashes:
                self.dropped += 1
                return False
        return True


def read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def heldout_path(corpus: Path) -> Path:
    return corpus.parent / "heldout-sha256.txt"


def load_corpus(corpus: Path):
    """Returns (prompts, pairs, templates, filter) with held-out rows removed."""
    flt = HeldoutFilter(heldout_path(corpus))
    prompts = [r for r in read_jsonl(corpus / "train_prompts.jsonl") if flt.ok(r["text"])]
    pairs = [r for r in read_jsonl(corpus / "train_pairs.jsonl") if flt.ok(r["prompt"], r["response"])]
    templates = [r for r in read_jsonl(corpus / "jailbreak_templates.jsonl") if flt.ok(r["text"])]
    return prompts, pairs, templates, flt


def harmful_request_pool(prompts, pairs, max_chars=400):
    """Unique short harmful requests (no jailbreak wrappers), sorted for determinism."""
    seen, out = set(), []
    cands = [r["text"] for r in prompts if r["label"] == 1] + [r["prompt"] for r in pairs if r["label"] == 1]
    for t in cands:
        k = normalize(t)
        if k in seen or len(t) > max_chars or len(t) < 10:
            continue
        seen.add(k)
        out.append(t)
    return sorted(out)


def assign_splits(prompts, pairs, val_fraction=0.15, seed=13):
    """Maps normalized prompt -> 'train' | 'val'.

    Stratified by (source, label): inside each stratum the unique prompts are shuffled with a fixed seed
    and the first val_fraction go to validation. Grouped: a prompt seen in an earlier stratum keeps its
    split, so the same prompt (and everything generated from it) never lands in both splits.
    """
    strata = {}
    for r in prompts:
        strata.setdefault((r["source"], r["label"], "prompt"), []).append(normalize(r["text"]))
    for r in pairs:
        strata.setdefault((r["source"], r["label"], "pair"), []).append(normalize(r["prompt"]))
    rng = random.Random(seed)
    split = {}
    for key in sorted(strata, key=str):
        uniq = sorted(set(strata[key]) - split.keys())
        rng.shuffle(uniq)
        n_val = round(len(uniq) * val_fraction)
        for i, p in enumerate(uniq):
            split[p] = "val" if i < n_val else "train"
    return split
