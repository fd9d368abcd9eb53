#!/usr/bin/env python3
"""Probe-set evaluation: hand-written natural inputs (Models/recipe/probes.jsonl), scored like Rampart does.

    python3 Models/recipe/probe.py --model Models/rampart-guard-minilm [--out probes-metrics.json]

Reports AUPRC, recall and FPR at the model's shipped threshold (rampart.json) and the flagged rate per kind
and per category. The probes are never trained on; they measure generalization beyond the corpus's phrasing.
train.py runs the same evaluation after training (--probes) at the threshold it chose.
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import average_precision_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import read_jsonl  # noqa: E402
from evaluate import score  # noqa: E402
from windows import Windower  # noqa: E402


def probe_metrics(rows, p, threshold, pair_threshold=None):
    """AUPRC, recall/FPR at threshold (pair_threshold for rows with a response), per-kind and per-category flagged
    rates, and per-row scores."""
    y = np.array([r["label"] for r in rows])
    t_pair = threshold if pair_threshold is None else pair_threshold
    pred = p >= np.array([threshold if r.get("response") is None else t_pair for r in rows])
    per = defaultdict(list)
    for r, hit in zip(rows, pred):
        per[f"{r['kind']} (label {r['label']})"].append(bool(hit))
    cats = defaultdict(list)
    for r, hit in zip(rows, pred):
        if r["label"] == 1 and r.get("category"):
            cats[r["category"]].append(bool(hit))
    return {
        "n": len(rows), "n_unsafe": int(y.sum()), "threshold": threshold, "pair_threshold": t_pair,
        "auprc": float(average_precision_score(y, p)),
        "recall": float(pred[y == 1].mean()), "fpr": float(pred[y == 0].mean()),
        "recall_at_0.5": float((p[y == 1] >= 0.5).mean()), "fpr_at_0.5": float((p[y == 0] >= 0.5).mean()),
        "per_kind": {k: {"n": len(v), "flagged": round(float(np.mean(v)), 4)} for k, v in sorted(per.items())},
        "harmful_request_recall_by_category": {k: round(float(np.mean(v)), 4) for k, v in sorted(cats.items())},
        "scores": [{"prompt": r["prompt"][:80], "kind": r["kind"], "label": r["label"], "p_unsafe": round(float(s), 4)}
                   for r, s in zip(rows, p)],
    }


def evaluate_probes(model, tokenizer, max_length, threshold, path=HERE / "probes.jsonl", pair_threshold=None):
    rows = list(read_jsonl(path))
    examples = [{"prompt": r["prompt"], "response": r["response"]} for r in rows]
    p = score(model, Windower(tokenizer, max_length), examples, desc="probes")
    return probe_metrics(rows, p, threshold, pair_threshold)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="exported model dir with rampart.json")
    ap.add_argument("--probes", type=Path, default=HERE / "probes.jsonl")
    ap.add_argument("--threshold", type=float, help="default: rampart.json's threshold (and pair_threshold for pairs); "
                                                     "a value given here applies to both")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    torch.set_num_threads(1)
    from transformers import AutoTokenizer, BertForSequenceClassification
    cfg = json.loads((a.model / "rampart.json").read_text())
    t = a.threshold if a.threshold is not None else cfg["threshold"]
    tp = a.threshold if a.threshold is not None else cfg.get("pair_threshold", t)
    model = BertForSequenceClassification.from_pretrained(a.model, dtype=torch.float32).eval()
    tok = AutoTokenizer.from_pretrained(a.model)
    m = evaluate_probes(model, tok, cfg["max_length"], t, a.probes, tp)
    if a.out:
        a.out.write_text(json.dumps(m, indent=2) + "\n")
    print(json.dumps({k: v for k, v in m.items() if k != "scores"}, indent=2))


if __name__ == "__main__":
    main()
