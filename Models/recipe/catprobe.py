"""(v5) The category head as a linear probe on the fine-tuned encoder's pooled output.

Trained jointly with the rest (masked BCE, one epoch), the category outputs barely learned: validation AUROC
0.43-0.75 among harmful rows, no category above 0.2 (runs/v5-round1 and round 2's first export). The pooled [CLS]
state the classifier reads already separates the categories, so the recipe refits just those output rows: one
logistic regression per category (one against the rest, balanced class weights) on the pooled output of the
training windows of harmful examples with a known category plus a sample of benign ones (all negatives), and writes
the weights into `classifier.weight[5:]` / `classifier.bias[5:]`. The verdict and component outputs are untouched,
and the model stays one linear head over the pooled state, so Rampart runs it unchanged.
"""
import random

import numpy as np
import torch
from tqdm import tqdm

from heads import CATEGORIES, COMPONENTS
from trainer import collate, training_window

FIRST = 2 + len(COMPONENTS)


@torch.no_grad()
def pooled(model, windower, examples, batch_size=32, desc="pooled"):
    """Pooler output [n, hidden] of each example's training window (what the classifier layer reads)."""
    rng = random.Random(0)
    items = [training_window(windower, e, rng) for e in examples]
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    out = np.zeros((len(items), model.config.hidden_size), dtype=np.float32)
    pad = windower.tok.pad_token_id
    model.eval()
    for s in tqdm(range(0, len(order), batch_size), desc=desc):
        idx = order[s:s + batch_size]
        ids, tt, am = collate([items[i] for i in idx], pad)
        out[idx] = model.bert(input_ids=ids, token_type_ids=tt, attention_mask=am).pooler_output.float().numpy()
    return out


def fit_category_probe(model, windower, train, seed=0, per_category=400, benign=800):
    """Refits the category rows of model.classifier in place; returns what it used."""
    from sklearn.linear_model import LogisticRegression
    rng = np.random.default_rng(seed + 77)
    cats = np.array([e["targets"][len(COMPONENTS):] for e in train], dtype=float)
    harmful = [i for i, e in enumerate(train) if e["label"] == 1 and not np.isnan(cats[i]).any() and cats[i].sum() > 0]
    pick = set()
    for c in range(len(CATEGORIES)):
        pos = [i for i in harmful if cats[i, c] == 1]
        pick.update(rng.choice(pos, min(per_category, len(pos)), replace=False).tolist() if pos else [])
    neg = [i for i, e in enumerate(train) if e["label"] == 0]
    pick.update(rng.choice(neg, min(benign, len(neg)), replace=False).tolist())
    rows = sorted(pick)
    x = pooled(model, windower, [train[i] for i in rows], desc="category probe features")
    y = np.nan_to_num(cats[rows], nan=0.0)
    w = model.classifier.weight.data
    b = model.classifier.bias.data
    report = {"rows": len(rows), "positives": {}}
    for c, name in enumerate(CATEGORIES):
        if y[:, c].sum() == 0:
            continue
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x, y[:, c])
        w[FIRST + c] = torch.tensor(lr.coef_[0], dtype=w.dtype)
        b[FIRST + c] = torch.tensor(lr.intercept_[0], dtype=b.dtype)
        report["positives"][name] = int(y[:, c].sum())
    return report
