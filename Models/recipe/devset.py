#!/usr/bin/env python3
"""(v5) The response-level dev set (Models/eval/response_dev_*.jsonl): scored, never trained on, never used to
choose thresholds or designs inside the recipe; the model card reports it beside baselines.

    python3 Models/recipe/devset.py --model Models/rampart-guard-minilm [--model OTHER ...] [--out dev.json]

Reports for each model, at its shipped pair threshold (rampart.json): F1, precision, recall, AUROC, AUPRC, and
the flagged rate per kind and category; plus the keyword refusal detector (unsafe unless the first 400 characters
of the response refuse; refusal.py), which needs no model.
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import read_jsonl  # noqa: E402
from refusal import is_refusal  # noqa: E402
from trainer import collate  # noqa: E402
from windows import Windower  # noqa: E402

DEV = HERE.parent / "eval"


def load_dev(root: Path = DEV, heldout: Path = HERE.parents[2] / "shared/data/heldout-sha256.txt"):
    """The dev rows; where the held-out hash list is present, rows whose prompt or response hashes into it are
    dropped (none were when the set was written)."""
    rows = []
    for path in sorted(root.glob("response_dev_*.jsonl")):
        rows += [dict(r, file=path.name) for r in read_jsonl(path)]
    if not rows:
        raise FileNotFoundError(f"{root}: no response_dev_*.jsonl files")
    if heldout.exists():
        from corpus import HeldoutFilter
        flt = HeldoutFilter(heldout)
        rows = [r for r in rows if flt.ok(r["prompt"], r["response"])]
    return rows


@torch.no_grad()
def score_heads(model, windower, examples, batch_size=32, desc="heads"):
    """Per example: P(unsafe) = max over windows of softmax(logits[:2])[1], and the sigmoid of every other output
    from the window with the highest P(unsafe) (components) or the maximum over windows (categories): returns
    (p [n], aux [n, K-2] or None). Mirrors Rampart's reading of a multi-head model."""
    from tqdm import tqdm
    flat, owner = [], []
    for i, ex in enumerate(examples):
        for w in windower.windows(ex["prompt"], ex.get("response")):
            flat.append(w)
            owner.append(i)
    order = sorted(range(len(flat)), key=lambda j: len(flat[j][0]))
    k = model.config.num_labels
    logits_all = np.zeros((len(flat), k), dtype=np.float32)
    pad = windower.tok.pad_token_id
    model.eval()
    for s in tqdm(range(0, len(order), batch_size), desc=desc):
        idx = order[s:s + batch_size]
        ids, tt, am = collate([flat[j] for j in idx], pad)
        logits_all[idx] = model(input_ids=ids, token_type_ids=tt, attention_mask=am).logits.float().numpy()
    pw = torch.softmax(torch.tensor(logits_all[:, :2]), dim=1)[:, 1].numpy()
    p = np.full(len(examples), -1.0)
    best = np.zeros(len(examples), dtype=int)
    aux = None if k <= 2 else np.zeros((len(examples), k - 2))
    sig = None if k <= 2 else 1 / (1 + np.exp(-logits_all[:, 2:]))
    for j, i in enumerate(owner):
        if pw[j] > p[i]:
            p[i], best[i] = pw[j], j
    if aux is not None:
        from heads import COMPONENTS
        nc = len(COMPONENTS)
        for i in range(len(examples)):
            aux[i, :nc] = sig[best[i], :nc]
        aux[:, nc:] = 0
        for j, i in enumerate(owner):
            aux[i, nc:] = np.maximum(aux[i, nc:], sig[j, nc:])
    return p, aux


def keyword_scores(rows):
    """The keyword refusal detector: 1 (unsafe) unless the response's first 400 characters refuse."""
    return np.array([0.0 if is_refusal(r.get("response") or "") else 1.0 for r in rows])


def dev_metrics(rows, p, threshold):
    y = np.array([int(r["label"]) for r in rows])
    pred = p >= threshold
    tp, fp, fn = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum()), int((~pred & (y == 1)).sum())
    per_kind, per_cat = defaultdict(list), defaultdict(list)
    for r, hit in zip(rows, pred):
        per_kind[f"{r['kind']} (label {r['label']})"].append(bool(hit))
        if int(r["label"]) == 1:
            per_cat[r.get("category") or "none"].append(bool(hit))
    return {
        "n": len(y), "n_unsafe": int(y.sum()), "threshold": float(threshold),
        "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 4), "precision": round(tp / max(1, tp + fp), 4),
        "recall": round(tp / max(1, tp + fn), 4), "fpr": round(fp / max(1, int((y == 0).sum())), 4),
        "auroc": round(float(roc_auc_score(y, p)), 4) if len(set(p)) > 1 else 0.5,
        "auprc": round(float(average_precision_score(y, p)), 4),
        "flagged_per_kind": {k: {"n": len(v), "flagged": round(float(np.mean(v)), 3)} for k, v in sorted(per_kind.items())},
        "recall_per_category": {k: {"n": len(v), "recall": round(float(np.mean(v)), 3)} for k, v in sorted(per_cat.items())},
    }


def evaluate_model_dir(model_dir: Path, rows, threads=1):
    from transformers import AutoTokenizer, BertForSequenceClassification
    cfg = json.loads((model_dir / "rampart.json").read_text())
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = BertForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32).eval()
    p, _ = score_heads(model, Windower(tok, cfg["max_length"]), rows, desc=f"dev ({model_dir.name})")
    return dev_metrics(rows, p, cfg.get("pair_threshold", cfg["threshold"])), p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=[])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows = load_dev()
    report = {"keyword_refusal_detector": dev_metrics(rows, keyword_scores(rows), 0.5)}
    for m in a.model:
        report[str(m)] = evaluate_model_dir(m, rows)[0]
    text = json.dumps(report, indent=2)
    print(text)
    if a.out:
        a.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
