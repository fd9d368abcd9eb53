"""Shared corpus handling for the ACD recipe: loading /work/shared/data/corpus, decontamination against the
held-out hashes (NFKC, lowercase, collapsed whitespace, trimmed; SHA-256 hex), and a deterministic split by hash
(anchor 60 % / calibration 20 % / evaluation 20 %), so every script sees the same parts without a shared state."""
import hashlib
import json
import os
import re
import unicodedata

CORPUS = os.environ.get("RAMPART_CORPUS", "/work/shared/data/corpus")
HELDOUT = os.environ.get("RAMPART_HELDOUT", "/work/shared/data/heldout-sha256.txt")


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def digest(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def heldout() -> set:
    with open(HELDOUT) as f:
        return {line.strip() for line in f if line.strip()}


def split_of(text: str) -> str:
    """anchor / calibration / evaluation, from the prompt's hash (stable across runs and machines)."""
    bucket = int(digest("split:" + text), 16) % 10
    return "anchor" if bucket < 6 else "calibration" if bucket < 8 else "evaluation"


def read_jsonl(name: str):
    with open(os.path.join(CORPUS, name)) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def clean(records, *fields):
    """Drops records any of whose `fields` (or their concatenation) hashes into the held-out set."""
    banned = heldout()
    kept, dropped = [], 0
    for r in records:
        texts = [r[f] for f in fields if r.get(f)]
        if any(digest(t) in banned for t in texts) or digest("\n".join(texts)) in banned:
            dropped += 1
            continue
        kept.append(r)
    return kept, dropped
