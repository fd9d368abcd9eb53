#!/usr/bin/env python3
"""One command: data build -> SmolLM2 generation -> fine-tuning -> validation -> export -> golden fixtures.

    python3 Models/recipe/train.py --corpus ../shared/data/corpus

See Models/recipe/README.md. Fixed seeds everywhere; torch uses --threads (1) threads.
"""
import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
REPO = MODELS.parent
sys.path.insert(0, str(HERE))

from augment import build, make_split_of, perturb_examples, toggle_final_period  # noqa: E402
from corpus import assign_splits, load_corpus, read_jsonl, sha  # noqa: E402
from evaluate import guardian_baseline, metrics, score  # noqa: E402
from export import save_model, write_golden, write_rampart_json  # noqa: E402
from devset import dev_metrics, keyword_scores, load_dev, score_heads  # noqa: E402
from generate import generate  # noqa: E402
from heads import CATEGORIES, COMPONENTS, N_OUT, UNSUPPORTED_OPENAI  # noqa: E402
from catprobe import fit_category_probe  # noqa: E402
from multitask import build_v5  # noqa: E402
from probe import evaluate_probes  # noqa: E402
from robustness import evaluate_robustness  # noqa: E402
from trainer import TrainConfig, train  # noqa: E402
from windows import Windower  # noqa: E402


def parse():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO / "../shared/data/corpus")
    ap.add_argument("--backbone", type=Path, default=MODELS / ".downloads/all-MiniLM-L6-v2")
    ap.add_argument("--out", type=Path, default=MODELS / "rampart-guard-minilm")
    ap.add_argument("--golden", type=Path, default=MODELS / "fixtures/default-model/golden.jsonl")
    ap.add_argument("--run-dir", type=Path, default=HERE / "runs/main")
    ap.add_argument("--max-length", type=int, default=256, help="(v5) window length in tokens (v4: 128)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (v5: 2; v4 used 1, faster on the then busier shared box)")
    ap.add_argument("--train-caps", default='{"prompt_harmful": 1400, "everyday_prompt": 900, "everyday_pair": 900, "aug_refusal": 500, '
                         '"hardneg_mined": 250, "aug_style_harmful": 150, "aug_style_benign": 150, "aug_outline_harmful": 120, '
                         '"aug_outline_benign": 120, "aug_style_refusal": 80}',
                    help="JSON: max training examples per kind (seeded subsample)")
    ap.add_argument("--val-caps", default='{"prompt_harmful": 300, "everyday_prompt": 300, "everyday_pair": 150, "aug_refusal": 150}',
                    help="JSON: max validation examples per kind (seeded subsample)")
    ap.add_argument("--upsample", default='{"aug_generated": 2, "aug_generated_benign": 3, "pair_harmful": 3}', help='JSON: repeat training examples of a kind, e.g. {"aug_generated": 3}')
    ap.add_argument("--baseline-limit", type=int, default=400, help="validation subsample for the untrained-head baseline")
    ap.add_argument("--gen-count", type=int, default=288, help="harmful requests sent to SmolLM2 (cached; v4: 1000)")
    ap.add_argument("--gen-benign-count", type=int, default=144,
                    help="(v3) benign corpus requests sent to SmolLM2 the same way (cached; label 0; v3: 300)")
    ap.add_argument("--eval-model", type=Path,
                    help="score an existing exported model (e.g. the shipped v2) on this run's validation split and "
                         "the probes instead of training; writes --run-dir/metrics.json")
    ap.add_argument("--gen-minutes", type=float, default=0,
                    help="time box for new generation; 0 (default) = none, so that the one command gives the same data "
                         "on any machine (v3 and earlier: 20, and v3 generated separately with 32); < 0 = cache only")
    ap.add_argument("--teacher", type=Path, help="HF sequence-classifier dir or JSONL {prompt, response, p_unsafe}")
    ap.add_argument("--threshold-fpr", type=float, default=0.02, help="target FPR on benign validation prompts")
    ap.add_argument("--pair-threshold-fpr", type=float, default=0.03,
                    help="(v5) target FPR on benign validation (prompt, response) pairs for pair_threshold (v4: 0.02)")
    ap.add_argument("--compare-model", default="git:826ab95",
                    help="(v5) the previous default model scored beside the new one on the validation split and the "
                         "dev set: a model directory, or git:<commit> to extract Models/rampart-guard-minilm from "
                         "this repository's history (v4 = 826ab95); empty to skip")
    ap.add_argument("--category-probe", action=argparse.BooleanOptionalAction, default=True,
                    help="(v5) refit the category outputs as a linear probe on the pooled state after training "
                         "(catprobe.py); --no-category-probe keeps the jointly trained ones")
    ap.add_argument("--refit-categories", type=Path,
                    help="(v5) only refit the category probe of an exported model DIR in place, re-score the heads on "
                         "this run's validation split, update --run-dir/metrics.json's heads, rampart.json's category "
                         "thresholds and the golden rows")
    ap.add_argument("--dev", action=argparse.BooleanOptionalAction, default=True,
                    help="(v5) score the response-level dev set (Models/eval) with v5, the compare model and the "
                         "keyword refusal detector; it is never trained on and never picks anything")
    ap.add_argument("--pair-threshold", action=argparse.BooleanOptionalAction, default=True,
                    help="(v4) also choose a threshold for (prompt, response) pairs by the same rule on benign "
                         "validation pairs (rampart.json pair_threshold); --no-pair-threshold: one threshold (v3)")
    ap.add_argument("--train-limit", type=int, default=0, help="subsample the training set (ablations, smoke)")
    ap.add_argument("--val-limit", type=int, default=0)
    ap.add_argument("--no-export", action="store_true", help="evaluate only (ablations)")
    ap.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=False,
                    help="untrained-head and securevector-guardian baselines on the validation split (v4: on)")
    ap.add_argument("--probes", type=Path, default=HERE / "probes.jsonl",
                    help="hand-written probe set scored at the chosen threshold (probe.py); a missing file skips it")
    ap.add_argument("--robust-limit", type=int, default=300,
                    help="(v4) validation rows scored under each robustness perturbation (robustness.py); 0 skips it")
    ap.add_argument("--period-toggle", action=argparse.BooleanOptionalAction, default=True,
                    help="(v2) add/strip the final period of half the training prompts (--no-period-toggle: v1)")
    ap.add_argument("--perturb-p", type=float, default=0.0,
                    help="(v4 option) fraction of training examples replaced by a typo / leetspeak / no-punctuation copy")
    ap.add_argument("--no-augment", default="", help="comma list of kinds to drop from TRAINING, e.g. aug_generated")
    for f in TrainConfig.__dataclass_fields__.values():
        ap.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=f.default)
    return ap.parse_args()


def teacher_probs(path: Path, examples, windower):
    """Teacher P(unsafe) per example (NaN where unknown): a JSONL file or an HF classifier directory."""
    if path.is_file():
        table = {(sha(r["prompt"]), sha(r["response"] or "")): float(r["p_unsafe"]) for r in read_jsonl(path)}
        return [table.get((sha(e["prompt"]), sha(e["response"] or "")), float("nan")) for e in examples]
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    names = {v.lower(): int(k) for k, v in model.config.id2label.items()}
    unsafe = next((names[n] for n in ("unsafe", "harmful", "toxic") if n in names), 1)
    out = []
    with torch.no_grad():
        for e in examples:
            enc = tok(e["prompt"], e["response"], truncation=True, max_length=512, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits, dim=1)[0, unsafe].item())
    return out


def cap(examples, caps, rng):
    """Seeded per-kind subsample (keeps order)."""
    keep = []
    for kind in sorted({e["kind"] for e in examples}):
        idx = [i for i, e in enumerate(examples) if e["kind"] == kind]
        if kind in caps and len(idx) > caps[kind]:
            idx = list(rng.choice(idx, caps[kind], replace=False))
        keep += idx
    return [examples[i] for i in sorted(keep)]


def evaluate_existing(a, va, report, t0):
    """Scores an exported model on this run's validation split (threshold re-chosen by the same rule, and at its
    shipped rampart.json threshold) and on the probes at its shipped threshold."""
    from transformers import AutoTokenizer, BertForSequenceClassification
    cfg = json.loads((a.eval_model / "rampart.json").read_text())
    tok = AutoTokenizer.from_pretrained(a.eval_model)
    model = BertForSequenceClassification.from_pretrained(a.eval_model, dtype=torch.float32).eval()
    windower = Windower(tok, cfg["max_length"])
    p = score(model, windower, va, desc=f"val ({a.eval_model.name})")
    report["evaluated_model"] = str(a.eval_model)
    report["model"] = metrics(va, p, a.threshold_fpr)
    if a.pair_threshold and "pairs" in report["model"]:  # the thresholds this run's rule would choose
        report["model_single_threshold"] = report["model"]
        report["model"] = metrics(va, p, threshold=report["model"]["threshold"],
                                  pair_threshold=report["model"]["pairs"]["pair_threshold_rule"])
    tp = cfg.get("pair_threshold")
    report["model_at_shipped_threshold"] = metrics(va, p, threshold=cfg["threshold"], pair_threshold=tp)
    if a.probes and a.probes.is_file():
        report["probes"] = evaluate_probes(model, tok, cfg["max_length"], cfg["threshold"], a.probes, tp)
    if a.robust_limit:
        report["robustness"] = evaluate_robustness(model, windower, va, cfg["threshold"], a.robust_limit, a.seed, tp)
    report["minutes_total"] = round((time.time() - t0) / 60, 1)
    (a.run_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report["model"].items() if k != "per_kind"}, indent=2))


def datasets(a, corpus: Path):
    """The training and validation examples of a run with arguments `a` (also used by
    Models/bench/int8_accuracy.py to rebuild the exact validation split). Returns (train, val, counts, generated,
    generated_benign, held-out filter, rng, jailbreak templates): the seeded rng continues where the caps left it."""
    prompts, pairs, templates, flt = load_corpus(corpus)
    print(f"corpus: {len(prompts)} prompts, {len(pairs)} pairs, {len(templates)} templates after held-out filter "
          f"({flt.dropped} rows dropped)", file=sys.stderr)
    split_of = make_split_of(assign_splits(prompts, pairs, seed=a.seed + 13))
    generated, generated_benign = generate(corpus, MODELS / ".cache", a.gen_count, a.gen_minutes, a.gen_benign_count,
                                           seed=a.seed)
    examples, counts = build(prompts, pairs, templates, generated, split_of, flt, seed=a.seed,
                             generated_benign=generated_benign)
    examples, counts = build_v5(examples, prompts, pairs, corpus, flt, split_of, seed=a.seed)
    drop = set(filter(None, a.no_augment.split(",")))
    rng = np.random.default_rng(a.seed)
    tr = [e for e in examples if e["split"] == "train" and e["kind"] not in drop]
    va = [e for e in examples if e["split"] == "val"]
    tr, va = cap(tr, json.loads(a.train_caps), rng), cap(va, json.loads(a.val_caps), rng)
    if a.period_toggle:
        tr = toggle_final_period(tr, seed=a.seed)
    if a.perturb_p > 0:
        tr = perturb_examples(tr, a.perturb_p, seed=a.seed)
    for kind, times in json.loads(a.upsample).items():
        tr += [e for e in tr if e["kind"] == kind] * (int(times) - 1)
    if a.train_limit:
        tr = [tr[i] for i in sorted(rng.choice(len(tr), min(a.train_limit, len(tr)), replace=False))]
    if a.val_limit:
        va = [va[i] for i in sorted(rng.choice(len(va), min(a.val_limit, len(va)), replace=False))]
    return tr, va, counts, generated, generated_benign, flt, rng, templates


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    t0 = time.time()
    a.run_dir.mkdir(parents=True, exist_ok=True)
    if not (a.backbone / "model.safetensors").exists():
        subprocess.run(["bash", str(MODELS / "fetch-minilm.sh")], check=True)
    corpus = a.corpus.resolve()
    tr, va, counts, generated, generated_benign, flt, rng, templates = datasets(a, corpus)
    timing = MODELS / ".cache/generated/timing.jsonl"
    report = {"args": {k: str(v) for k, v in vars(a).items()}, "generated_accepted": len(generated),
              "generated_benign_accepted": len(generated_benign),
              "generation_timing": read_jsonl(timing) if timing.exists() else [],
              "counts": {f"{s}/{k}/label{lab}": n for (s, k, lab), n in sorted(counts.items())},
              "n_train": len(tr), "n_val": len(va), "heldout_dropped": flt.dropped}
    print(json.dumps(Counter(e["kind"] for e in tr)), file=sys.stderr)

    from transformers import AutoTokenizer, BertForSequenceClassification
    if a.eval_model:
        return evaluate_existing(a, va, report, t0)
    if a.refit_categories:
        return refit_categories(a, tr, va, templates)
    tok = AutoTokenizer.from_pretrained(a.backbone)
    windower = Windower(tok, a.max_length)
    # The head's random init must not depend on whether SmolLM2 sampled in this process (a fresh run generates,
    # a rerun reads the cache): re-seed right before it.
    torch.manual_seed(a.seed)
    from export import output_labels
    names = output_labels(N_OUT)
    model = BertForSequenceClassification.from_pretrained(
        a.backbone, num_labels=N_OUT, id2label=dict(enumerate(names)), label2id={n: i for i, n in enumerate(names)})
    if a.baselines:
        sub = [va[i] for i in sorted(rng.choice(len(va), min(a.baseline_limit, len(va)), replace=False))]
        report["baseline_untrained_head"] = metrics(sub, score(model, windower, sub, desc="untrained-head"), a.threshold_fpr)
        report["baseline_untrained_head"]["note"] = f"seeded subsample of {len(sub)} validation examples"
        hc, mal = guardian_baseline(va, MODELS / ".cache")
        report["baseline_svguardian_harmful_content"] = metrics(va, hc, a.threshold_fpr)
        report["baseline_svguardian_malicious"] = metrics(va, mal, a.threshold_fpr)
    cfg = TrainConfig(**{k: getattr(a, k) for k in TrainConfig.__dataclass_fields__})
    report["train_config"] = asdict(cfg)
    report["teacher"] = str(a.teacher) if a.teacher else "none (hard-label cross-entropy only)"
    tp = teacher_probs(a.teacher, tr, windower) if a.teacher else None
    t1 = time.time()
    train(model, windower, tr, cfg, tp)
    report["train_minutes"] = round((time.time() - t1) / 60, 1)
    if a.category_probe:
        report["category_probe"] = fit_category_probe(model, windower, tr, seed=a.seed)

    if a.no_export:
        p, aux = score_heads(model, windower, va, desc="val")
    else:
        save_model(model, a.backbone / "tokenizer.json", a.out)
        # Evaluate what the server runs: the fp16 export loaded back as fp32.
        model = BertForSequenceClassification.from_pretrained(a.out, dtype=torch.float32).eval()
        p, aux = score_heads(model, windower, va, desc="val (exported fp16)")
    m = metrics(va, p, a.threshold_fpr, pair_fpr=a.pair_threshold_fpr)
    rule = (f"lowest threshold with FPR <= {a.threshold_fpr:.0%} on benign validation prompts (prompt-only rows, "
            f"max over windows at max_length {a.max_length}); measured FPR {m['fpr_benign_prompts']:.4f}")
    tp = m["pairs"]["pair_threshold_rule"] if a.pair_threshold and "pairs" in m else None
    if tp is not None:
        report["model_single_threshold"] = m
        m = metrics(va, p, threshold=m["threshold"], pair_threshold=tp)
        rule += (f"; pair_threshold: lowest threshold with FPR <= {a.pair_threshold_fpr:.0%} on benign validation "
                 f"(prompt, response) pairs, measured FPR {m['pairs']['fpr_at_pair_threshold_rule']:.4f}")
    report["model"] = m
    heads = head_report(va, aux)
    report["heads"] = heads
    print(json.dumps(heads, indent=2))
    if a.compare_model:
        report["compare_model"] = compare_previous(a, va, tok)
    if a.dev:
        report["dev"] = dev_report(a, model, windower, m, tp)
        print(json.dumps({k: {kk: v[kk] for kk in ("f1", "precision", "recall", "auroc", "threshold")}
                          for k, v in report["dev"].items() if isinstance(v, dict) and "f1" in v}, indent=2))
    if a.probes and a.probes.is_file():
        report["probes"] = evaluate_probes(model, tok, a.max_length, m["threshold"], a.probes, tp)
        print(json.dumps({k: v for k, v in report["probes"].items() if k != "scores"}, indent=2))
    if a.robust_limit:
        report["robustness"] = evaluate_robustness(model, windower, va, m["threshold"], a.robust_limit, a.seed, tp)
        print(json.dumps(report["robustness"], indent=2))
    if not a.no_export:
        write_rampart_json(a.out, a.max_length, m["threshold"], rule, tp, heads=heads["rampart_json"])
        write_golden(a.out, a.golden, a.max_length, templates)
    report["minutes_total"] = round((time.time() - t0) / 60, 1)
    (a.run_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in m.items() if k != "per_kind"}, indent=2))


def refit_categories(a, tr, va, templates):
    """--refit-categories DIR: the category probe on an exported model (its other outputs unchanged)."""
    from transformers import AutoTokenizer, BertForSequenceClassification
    d = a.refit_categories
    tok = AutoTokenizer.from_pretrained(d)
    windower = Windower(tok, a.max_length)
    model = BertForSequenceClassification.from_pretrained(d, dtype=torch.float32).eval()
    probe = fit_category_probe(model, windower, tr, seed=a.seed)
    save_model(model, d / "tokenizer.json", d)
    model = BertForSequenceClassification.from_pretrained(d, dtype=torch.float32).eval()
    _, aux = score_heads(model, windower, va, desc="val heads (refit)")
    heads = head_report(va, aux)
    path = a.run_dir / "metrics.json"
    report = json.loads(path.read_text())
    report["heads"], report["category_probe"] = heads, probe | {"note": "refit on the exported fp16 model"}
    path.write_text(json.dumps(report, indent=2) + "\n")
    settings = json.loads((d / "rampart.json").read_text())
    settings["heads"] = heads["rampart_json"]
    (d / "rampart.json").write_text(json.dumps(settings, indent=2) + "\n")
    write_golden(d, a.golden, a.max_length, templates)
    print(json.dumps({k: v for k, v in heads.items() if k != "rampart_json"}, indent=2))


def head_report(va, aux):
    """(v5) Validation AUROC of each component head where its target is known, and per-category thresholds: the
    threshold with the best F1 on validation rows whose category is known (one against the rest), within
    [0.2, 0.8]. Returns the report and the `heads` object for rampart.json."""
    from sklearn.metrics import f1_score, roc_auc_score
    t = np.array([e["targets"] for e in va], dtype=float)
    harmful = np.array([e["label"] == 1 for e in va])
    out = {"components": {}, "categories": {}}
    for i, name in enumerate(COMPONENTS + CATEGORIES):
        # Categories are reported only for flagged inputs, so they are judged on harmful rows whose category is known.
        known = ~np.isnan(t[:, i]) & (harmful if name in CATEGORIES else True)
        y, s = t[known, i], aux[known, i]
        entry = {"n": int(known.sum()), "n_positive": int(y.sum())}
        if 0 < y.sum() < len(y):
            entry["auroc"] = round(float(roc_auc_score(y, s)), 4)
        if name in CATEGORIES:
            grid = np.arange(0.2, 0.81, 0.05)
            f1s = [f1_score(y, s >= g, zero_division=0) for g in grid] if y.sum() else [0.0]
            best = int(np.argmax(f1s))
            entry |= {"threshold": round(float(grid[best]) if y.sum() else 0.5, 2), "f1": round(float(f1s[best]), 4)}
            out["categories"][name] = entry
        else:
            out["components"][name] = entry
    out["rampart_json"] = {
        "components": COMPONENTS, "categories": CATEGORIES,
        "category_thresholds": {c: out["categories"][c]["threshold"] for c in CATEGORIES},
        "unsupported_openai_categories": UNSUPPORTED_OPENAI,
        "note": "outputs after the two verdict logits, each read with a sigmoid: components (from the window with "
                "the highest P(unsafe)), then categories (maximum over windows); category thresholds: best F1 on "
                "harmful validation rows with a known category (one against the rest), within [0.2, 0.8]",
    }
    return out


def previous_model_dir(spec: str) -> Path:
    """A model directory, or git:<commit> extracted from this repository's history into Models/.cache."""
    if not spec.startswith("git:"):
        return Path(spec)
    commit = spec[4:]
    out = MODELS / ".cache" / f"model-{commit}"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "rampart.json"):
        if not (out / name).exists():
            blob = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:Models/rampart-guard-minilm/{name}"],
                                  check=True, capture_output=True).stdout
            (out / name).write_bytes(blob)
    return out


def compare_previous(a, va, tok):
    """The previous default model on this run's validation split, at its own shipped thresholds and windows."""
    from transformers import AutoTokenizer, BertForSequenceClassification
    d = previous_model_dir(a.compare_model)
    cfg = json.loads((d / "rampart.json").read_text())
    model = BertForSequenceClassification.from_pretrained(d, dtype=torch.float32).eval()
    p = score(model, Windower(AutoTokenizer.from_pretrained(d), cfg["max_length"]), va, desc=f"val ({a.compare_model})")
    res = metrics(va, p, threshold=cfg["threshold"], pair_threshold=cfg.get("pair_threshold"))
    res["model"] = a.compare_model
    return res


def dev_report(a, model, windower, m, tp):
    """The response-level dev set: this model at its pair threshold, the keyword refusal detector, the previous
    model at its shipped pair threshold. Reported only; nothing is chosen on it."""
    rows = load_dev()
    p, _ = score_heads(model, windower, rows, desc="dev")
    out = {"n": len(rows), "model": dev_metrics(rows, p, tp if tp is not None else m["threshold"]),
           "keyword_refusal_detector": dev_metrics(rows, keyword_scores(rows), 0.5)}
    if a.compare_model:
        from devset import evaluate_model_dir
        out["compare_model"] = evaluate_model_dir(previous_model_dir(a.compare_model), rows)[0]
    return out


if __name__ == "__main__":
    main()
