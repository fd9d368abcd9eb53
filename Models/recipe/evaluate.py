"""Validation scoring with Rampart's window rule, metrics, and baselines on the same split."""
import math
import sys
from collections import defaultdict

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_curve
from tqdm import tqdm

from trainer import collate

HARD_NEGATIVE_KINDS = {"hardneg_mined", "hardneg_template", "hardneg_template_pair", "w_sensitive_prompt",
                       "w_sensitive_pair", "cat_prompt_benign"}
# (v5) benign questions on sensitive topics, prompt alone: the "benign sensitive-topic questions" rate
SENSITIVE_PROMPT_KINDS = {"hardneg_mined", "hardneg_template", "w_sensitive_prompt", "cat_prompt_benign"}
EVERYDAY_KINDS = {"everyday_prompt", "everyday_pair"}


@torch.no_grad()
def score(model, windower, examples, batch_size=32, desc="score"):
    """P(unsafe) per example = max over its Rampart windows (the verdict head: softmax over logits[:, :2])."""
    flat, owner = [], []
    for i, ex in enumerate(examples):
        for w in windower.windows(ex["prompt"], ex["response"]):
            flat.append(w)
            owner.append(i)
    order = sorted(range(len(flat)), key=lambda j: len(flat[j][0]))
    probs = np.zeros(len(flat))
    pad = windower.tok.pad_token_id
    model.eval()
    for s in tqdm(range(0, len(order), batch_size), desc=desc):
        idx = order[s:s + batch_size]
        ids, tt, am = collate([flat[j] for j in idx], pad)
        logits = model(input_ids=ids, token_type_ids=tt, attention_mask=am).logits
        probs[idx] = torch.softmax(logits[:, :2].float(), dim=1)[:, 1].numpy()
    out = np.zeros(len(examples))
    for j, i in enumerate(owner):
        out[i] = max(out[i], probs[j])
    return out


def threshold_for_fpr(benign_scores, fpr):
    """Smallest threshold whose FPR on the benign scores is <= fpr (predict unsafe when p >= t)."""
    s = np.sort(np.asarray(benign_scores))[::-1]
    k = int(math.floor(fpr * len(s)))  # at most k benign scores may reach t
    return float(np.nextafter(s[k], 1.0)) if k < len(s) else 0.0


def ece(y, p, bins=10):
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        m = (p >= a) & ((p < b) if b < 1 else (p <= b))
        if m.any():
            total += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(total)


def recall_at_fpr(y, p, fpr):
    f, t, _ = roc_curve(y, p)
    return float(np.max(t[f <= fpr])) if (f <= fpr).any() else 0.0


def metrics(examples, p, threshold_fpr=0.02, threshold=None, pair_threshold=None, pair_fpr=None):
    """Metrics at `threshold` (default: the rule on benign prompts) for prompts and at `pair_threshold` (default:
    the same threshold) for (prompt, response) pairs; "pairs" reports the rule applied to benign pairs."""
    y = np.array([e["label"] for e in examples])
    kinds = np.array([e["kind"] for e in examples])
    prompt_only = np.array([e["response"] is None for e in examples])
    benign_prompts = p[(y == 0) & prompt_only]
    t = threshold if threshold is not None else threshold_for_fpr(benign_prompts, threshold_fpr)
    t_pair = t if pair_threshold is None else pair_threshold
    pred = p >= np.where(prompt_only, t, t_pair)
    tp, fp, fn = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum()), int((~pred & (y == 1)).sum())
    res = {
        "n": len(y), "n_unsafe": int(y.sum()),
        "auprc": float(average_precision_score(y, p)),
        "recall_at_1pct_fpr": recall_at_fpr(y, p, 0.01), "recall_at_5pct_fpr": recall_at_fpr(y, p, 0.05),
        "ece": ece(y, p), "threshold": t, "pair_threshold_used": t_pair,
        "f1": 2 * tp / max(1, 2 * tp + fp + fn), "recall": tp / max(1, tp + fn),
        "fpr_all_benign": fp / max(1, int((y == 0).sum())),
        "fpr_benign_prompts": float((benign_prompts >= t).mean()),
        "fpr_hard_negatives": float(pred[np.isin(kinds, list(HARD_NEGATIVE_KINDS))].mean()),
        "fpr_everyday_chat": float(pred[np.isin(kinds, list(EVERYDAY_KINDS))].mean()),
        "fpr_everyday_pairs": float(pred[kinds == "everyday_pair"].mean()) if (kinds == "everyday_pair").any() else None,
        "fpr_sensitive_prompts": float(pred[np.isin(kinds, list(SENSITIVE_PROMPT_KINDS))].mean()),
        "recall_harmful_prompts": float(pred[prompt_only & (y == 1)].mean()) if (prompt_only & (y == 1)).any() else None,
        "f1_at_0.5": None,
    }
    # (v4) The same rule applied to (prompt, response) pairs alone: benign pairs and benign prompts score
    # differently, so one threshold chosen on prompts leaves pairs at some other false-positive rate. Rampart reads
    # it as rampart.json's pair_threshold.
    pair = ~prompt_only
    if pair.any() and (y[pair] == 0).any() and (y[pair] == 1).any():
        tp_ = threshold_for_fpr(p[pair & (y == 0)], threshold_fpr if pair_fpr is None else pair_fpr)
        res["pairs"] = {"n": int(pair.sum()), "n_unsafe": int((y[pair] == 1).sum()),
                        "recall_at_threshold": float((p[pair & (y == 1)] >= t).mean()),
                        "fpr_at_threshold": float((p[pair & (y == 0)] >= t).mean()),
                        "pair_threshold_rule": tp_, "recall_at_pair_threshold_rule": float((p[pair & (y == 1)] >= tp_).mean()),
                        "fpr_at_pair_threshold_rule": float((p[pair & (y == 0)] >= tp_).mean())}
    p5 = p >= 0.5
    tp5, fp5, fn5 = int((p5 & (y == 1)).sum()), int((p5 & (y == 0)).sum()), int((~p5 & (y == 1)).sum())
    res["f1_at_0.5"] = 2 * tp5 / max(1, 2 * tp5 + fp5 + fn5)
    per = defaultdict(list)
    for k, lab, hit in zip(kinds, y, pred):
        per[(k, int(lab))].append(bool(hit))
    res["per_kind"] = {f"{k} (label {lab})": {"n": len(v), "flagged": round(float(np.mean(v)), 4)}
                       for (k, lab), v in sorted(per.items())}
    return res


def guardian_baseline(examples, cache_dir):
    """securevector-guardian-model 1.4.0 (PyPI): TF-IDF + LR; score = P(harmful_content) and 1 - P(benign)."""
    import glob
    import subprocess
    import zipfile
    root = cache_dir / "pkgs" / "sv"
    if not (root / "svguardian").exists():
        (cache_dir / "pkgs").mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cache_dir / "pkgs"),
                        "securevector-guardian-model==1.4.0"], check=True)
        with zipfile.ZipFile(glob.glob(str(cache_dir / "pkgs" / "securevector_guardian_model-1.4.0-*.whl"))[0]) as z:
            z.extractall(root)
    sys.path.insert(0, str(root))
    from svguardian.model.pure_infer import PureGuardian
    g = PureGuardian.load(str(root / "svguardian" / "_runtime" / "guardian.runtime.json.gz"))
    hc = g.classes.index("harmful_content")
    harmful, malicious = [], []
    for e in tqdm(examples, desc="svguardian"):
        text = e["prompt"] if e["response"] is None else e["prompt"] + "\n" + e["response"]
        pr = g._softmax(g._scores(text))
        harmful.append(pr[hc])
        malicious.append(1.0 - pr[g.classes.index(g.benign)])
    return np.array(harmful), np.array(malicious)
