"""Prints the MODEL_CARD.md metric tables from runs/*/metrics.json.

    python3 Models/recipe/card_tables.py --v5 RUN/metrics.json       # (v5) dev set, the issue's targets, heads
    python3 Models/recipe/card_tables.py RUN/metrics.json [ABLATION/metrics.json ...]
    python3 Models/recipe/card_tables.py --compare A/metrics.json B/metrics.json ...   # same validation split

--compare prints one validation row, the per-kind flagged rates and the probe tables per run (runs named by
their directory), for runs evaluated on the same split (e.g. train.py --eval-model for the shipped model).
"""
import json
import sys
from pathlib import Path

COLS = [("auprc", "AUPRC"), ("recall_at_1pct_fpr", "recall@1%FPR"), ("recall_at_5pct_fpr", "recall@5%FPR"),
        ("ece", "ECE"), ("threshold", "threshold"), ("f1", "F1@thr"), ("recall", "recall@thr"),
        ("fpr_benign_prompts", "FPR benign prompts"), ("fpr_hard_negatives", "FPR hard negatives"),
        ("fpr_everyday_chat", "FPR everyday chat"), ("fpr_all_benign", "FPR all benign"), ("f1_at_0.5", "F1@0.5")]


def row(name, m):
    return f"| {name} | {m['n']} | " + " | ".join(f"{m[k]:.3f}" for k, _ in COLS) + " |"


PROBE_COLS = [("auprc", "AUPRC"), ("threshold", "threshold"), ("recall", "recall@thr"), ("fpr", "FPR@thr"),
              ("recall_at_0.5", "recall@0.5"), ("fpr_at_0.5", "FPR@0.5")]


def v5(path):
    """(v5) The response-level dev set beside the baselines, the issue's acceptance figures, and the heads."""
    m = json.loads(Path(path).read_text())
    dev = m["dev"]
    names = [("keyword refusal detector", dev["keyword_refusal_detector"]),
             (f"previous model ({m['args'].get('compare_model')}) at its shipped pair threshold", dev.get("compare_model")),
             ("this model at its shipped pair threshold", dev["model"])]
    print(f"Dev set: {dev['n']} pairs, {dev['model']['n_unsafe']} harmful.\n")
    print("| on the dev set | threshold | F1 | precision | recall | FPR | AUROC | AUPRC |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, d in names:
        if d:
            print(f"| {n} | {d['threshold']:.3f} | {d['f1']:.3f} | {d['precision']:.3f} | {d['recall']:.3f} | "
                  f"{d['fpr']:.3f} | {d['auroc']:.3f} | {d['auprc']:.3f} |")
    print("\n| dev kind (label) | n | " + " | ".join(n.split(" (")[0].split(" at ")[0] for n, d in names if d) + " |")
    print("|---|---:|" + "---:|" * sum(1 for _, d in names if d))
    for k, v in dev["model"]["flagged_per_kind"].items():
        print(f"| {k} | {v['n']} | " + " | ".join(f"{d['flagged_per_kind'][k]['flagged']:.3f}" for _, d in names if d) + " |")
    print("\n| dev category (harmful rows) | n | " + " | ".join(n.split(" (")[0].split(" at ")[0] for n, d in names if d) + " |")
    print("|---|---:|" + "---:|" * sum(1 for _, d in names if d))
    for k, v in dev["model"]["recall_per_category"].items():
        print(f"| {k} | {v['n']} | " + " | ".join(f"{d['recall_per_category'][k]['recall']:.3f}" for _, d in names if d) + " |")
    cur, prev = m["model"], m.get("compare_model")
    print("\n| validation split, at each model's shipped thresholds | previous | this model |\n|---|---:|---:|")
    for key, label in (("recall_harmful_prompts", "harmful prompts flagged (recall)"),
                       ("fpr_benign_prompts", "benign prompts flagged"),
                       ("fpr_sensitive_prompts", "benign sensitive-topic questions flagged"),
                       ("fpr_everyday_pairs", "everyday (prompt, answer) pairs flagged"),
                       ("fpr_everyday_chat", "everyday chat flagged (prompts and pairs)"),
                       ("auprc", "AUPRC (all validation rows)"), ("f1", "F1 at the thresholds"),
                       ("threshold", "prompt threshold"), ("pair_threshold_used", "pair threshold")):
        pv = prev.get(key) if prev else None
        print(f"| {label} | {'' if pv is None else f'{pv:.3f}'} | {cur[key]:.3f} |")
    print("\n| validation kind (label) | n | previous | this model |\n|---|---:|---:|---:|")
    for k, v in cur["per_kind"].items():
        pv = prev["per_kind"].get(k, {}).get("flagged") if prev else None
        print(f"| {k} | {v['n']} | {'' if pv is None else f'{pv:.3f}'} | {v['flagged']:.3f} |")
    print("\n| head | validation rows with a target | positives | AUROC | threshold | F1 |\n|---|---:|---:|---:|---:|---:|")
    for group in ("components", "categories"):
        for k, v in m["heads"][group].items():
            print(f"| {k} | {v['n']} | {v['n_positive']} | {v.get('auroc', float('nan')):.3f} | "
                  f"{v.get('threshold', '') if group == 'categories' else ''} | {v.get('f1', '') if group == 'categories' else ''} |")


def compare(paths):
    runs = [json.loads(Path(p).read_text()) for p in paths]
    names = [Path(p).parent.name for p in paths]
    print("| model | n | " + " | ".join(h for _, h in COLS) + " |")
    print("|---|---|" + "---|" * len(COLS))
    for n, r in zip(names, runs):
        print(row(n, r["model"]))
    print("\n| kind (label) | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for k, v in runs[0]["model"]["per_kind"].items():
        print(f"| {k} | {v['n']} | " + " | ".join(f"{r['model']['per_kind'][k]['flagged']:.3f}" for r in runs) + " |")
    pairs = [(n, r["model"]) for n, r in zip(names, runs) if "pairs" in r["model"]]
    if pairs:
        print("\n| (prompt, response) pairs | n | threshold | recall@thr | FPR@thr | pair threshold | recall@pair thr | "
              "FPR@pair thr |")
        print("|---|---|---|---|---|---|---|---|")
        for n, m in pairs:
            q = m["pairs"]
            print(f"| {n} | {q['n']} | {m['threshold']:.4f} | {q['recall_at_threshold']:.3f} | "
                  f"{q['fpr_at_threshold']:.3f} | {q['pair_threshold_rule']:.4f} | "
                  f"{q['recall_at_pair_threshold_rule']:.3f} | {q['fpr_at_pair_threshold_rule']:.3f} |")
    robust = [(n, r["robustness"]) for n, r in zip(names, runs) if "robustness" in r]
    if robust:
        kinds = [k for k in robust[0][1] if isinstance(robust[0][1][k], dict)]
        print("\n| robustness: AUPRC / recall / FPR | " + " | ".join(kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for n, rb in robust:
            print(f"| {n} | " + " | ".join(f"{rb[k]['auprc']:.3f} / {rb[k]['recall']:.3f} / {rb[k]['fpr']:.3f}"
                                           for k in kinds) + " |")
    probes = [(n, r["probes"]) for n, r in zip(names, runs) if "probes" in r]
    if not probes:
        return
    print("\n| probes | " + " | ".join(h for _, h in PROBE_COLS) + " |")
    print("|---|" + "---|" * len(PROBE_COLS))
    for n, pr in probes:
        print(f"| {n} | " + " | ".join(f"{pr[k]:.3f}" for k, _ in PROBE_COLS) + " |")
    print("\n| probe kind (label) | n | " + " | ".join(n for n, _ in probes) + " |")
    print("|---|---|" + "---|" * len(probes))
    for k, v in probes[0][1]["per_kind"].items():
        print(f"| {k} | {v['n']} | " + " | ".join(f"{pr['per_kind'][k]['flagged']:.3f}" for _, pr in probes) + " |")


def main():
    if sys.argv[1] == "--compare":
        return compare(sys.argv[2:])
    runs = [json.loads(Path(p).read_text()) for p in sys.argv[1:]]
    main_run = runs[0]
    print("| model | n | " + " | ".join(h for _, h in COLS) + " |")
    print("|---|---|" + "---|" * len(COLS))
    print(row("rampart-guard-minilm (exported fp16)", main_run["model"]))
    for name, key in [("untrained-head MiniLM (subsample)", "baseline_untrained_head"),
                      ("svguardian P(harmful_content)", "baseline_svguardian_harmful_content"),
                      ("svguardian 1-P(benign)", "baseline_svguardian_malicious")]:
        if key in main_run:
            print(row(name, main_run[key]))
    for p, r in zip(sys.argv[2:], runs[1:]):
        print(row(Path(p).parent.name, r["model"]))
    print("\nPer kind at the chosen threshold (fraction flagged unsafe):\n")
    names = [Path(p).parent.name for p in sys.argv[1:]]
    print("| kind (label) | n | " + " | ".join(names) + " | svguardian P(harmful_content) |")
    print("|---|---|" + "---|" * (len(names) + 1))
    base = main_run.get("baseline_svguardian_harmful_content", {}).get("per_kind", {})
    for k, v in main_run["model"]["per_kind"].items():
        cells = [f"{r['model']['per_kind'].get(k, {}).get('flagged', float('nan')):.3f}" for r in runs]
        print(f"| {k} | {v['n']} | " + " | ".join(cells) + f" | {base.get(k, {}).get('flagged', float('nan')):.3f} |")


if __name__ == "__main__" and sys.argv[1:2] == ["--v5"]:
    v5(sys.argv[2])
    sys.exit(0)
if __name__ == "__main__":
    main()
