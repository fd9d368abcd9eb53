#!/usr/bin/env python3
"""int8 vs fp32 accuracy of a guard model on the recipe's validation split, scored by Rampart itself.

    swift build -c release --product rampart
    python3 Models/bench/int8_accuracy.py --corpus ../shared/data/corpus

Rebuilds the validation split exactly as Models/recipe/train.py does (its own argument defaults, modules
and seeded per-kind caps; the SmolLM2 generations must already be cached in Models/.cache, as after any
train.py run), writes the rows as JSONL, scores them with `rampart score --input ... --precision fp32`
and `--precision int8` (Rampart's window rule: max P(unsafe) over windows), and prints AUPRC for both
(issue 6 target: |Δ| <= 0.005), max / mean |ΔP|, and decisions flipped at the model's threshold
(rampart.json). Rampart's window count per row is checked against the recipe's Windower, and the fp32
AUPRC against the recipe's metrics.json when that file is given (--recipe-metrics).
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent
REPO = MODELS.parent
RECIPE = MODELS / "recipe"
sys.path.insert(0, str(RECIPE))

from evaluate import metrics  # noqa: E402


def validation_split(corpus: Path):
    """train.py's validation examples, built with its default arguments (same seeds, caps and rng order)."""
    import train
    argv, sys.argv = sys.argv, ["train.py", "--corpus", str(corpus)]
    try:
        a = train.parse()
    finally:
        sys.argv = argv
    cache = MODELS / ".cache"
    if not (cache / "generated" / "smollm2.jsonl").exists():
        sys.exit(f"int8_accuracy: {cache}/generated/smollm2.jsonl is missing; run Models/recipe/generate.py "
                 f"(or train.py) once so the split includes the generated pairs")
    a.gen_minutes = -1.0  # cache only: no new generation
    _, va, *_ = train.datasets(a, corpus)
    return va, a


def rampart_scores(binary: Path, model: Path, rows: Path, precision: str, threads: int):
    """Rampart's JSONL output rows for every input row, and the wall seconds of the whole command."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as out:
        start = time.perf_counter()
        subprocess.run([str(binary), "score", "--model", str(model), "--input", str(rows), "--output", out.name,
                        "--precision", precision, "--threads", str(threads)], check=True)
        seconds = time.perf_counter() - start
        result = [json.loads(line) for line in Path(out.name).read_text().splitlines() if line.strip()]
    bad = [r for r in result if "error" in r]
    if bad:
        sys.exit(f"int8_accuracy: rampart rejected {len(bad)} rows, first: {bad[0]}")
    return result, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO / "../shared/data/corpus")
    ap.add_argument("--model", type=Path, default=MODELS / "rampart-guard-minilm")
    ap.add_argument("--rampart", type=Path, default=REPO / ".build/release/rampart")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--recipe-metrics", type=Path, default=RECIPE / "runs/main/metrics.json",
                    help="the recipe's metrics.json for this model: its validation AUPRC is compared with Rampart fp32")
    ap.add_argument("--pytorch", action="store_true",
                    help="also score the split with PyTorch (the recipe's evaluate.score on this model, fp32) and "
                         "compare it with Rampart fp32")
    ap.add_argument("--json", type=Path, help="also write the summary here")
    a = ap.parse_args()

    va, recipe_args = validation_split(a.corpus.resolve())
    settings = json.loads((a.model / "rampart.json").read_text())
    threshold = float(settings["threshold"])
    pair_threshold = float(settings.get("pair_threshold", threshold))
    # The threshold Rampart must apply to each row: pair_threshold where there is a response.
    row_threshold = np.array([threshold if e["response"] is None else pair_threshold for e in va])
    if int(settings["max_length"]) != int(recipe_args.max_length):
        sys.exit(f"int8_accuracy: rampart.json max_length {settings['max_length']} != recipe's {recipe_args.max_length}")

    from transformers import AutoTokenizer
    from windows import Windower
    windower = Windower(AutoTokenizer.from_pretrained(recipe_args.backbone), int(settings["max_length"]))
    expected_windows = [len(windower.windows(e["prompt"], e["response"])) for e in va]

    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.jsonl"
        rows.write_text("".join(json.dumps({"prompt": e["prompt"], "response": e["response"]}) + "\n" for e in va))
        runs = {p: rampart_scores(a.rampart, a.model, rows, p, a.threads) for p in ("fp32", "int8")}

    for precision, (out, _) in runs.items():
        got = [r["windows"] for r in out]
        mismatched = sum(g != w for g, w in zip(got, expected_windows))
        if len(out) != len(va) or mismatched:
            sys.exit(f"int8_accuracy: {precision}: {len(out)} results for {len(va)} rows, "
                     f"{mismatched} rows with a window count other than the recipe's Windower")

    for precision, (out, _) in runs.items():
        applied = np.array([r["threshold"] for r in out])
        if not np.allclose(applied, row_threshold, rtol=0, atol=1e-9):
            sys.exit(f"int8_accuracy: {precision}: Rampart applied another threshold than rampart.json's on "
                     f"{int((~np.isclose(applied, row_threshold, rtol=0, atol=1e-9)).sum())} rows")
    p32 = np.array([r["score"] for r in runs["fp32"][0]])
    p8 = np.array([r["score"] for r in runs["int8"][0]])
    m32 = metrics(va, p32, threshold=threshold, pair_threshold=pair_threshold)
    m8 = metrics(va, p8, threshold=threshold, pair_threshold=pair_threshold)
    diff = np.abs(p8 - p32)
    flips = int(((p32 >= row_threshold) != (p8 >= row_threshold)).sum())
    flips_half = int(((p32 >= 0.5) != (p8 >= 0.5)).sum())
    summary = {
        "model": str(a.model), "n_val": len(va), "n_unsafe": m32["n_unsafe"], "windows": int(sum(expected_windows)),
        "threshold": threshold, "pair_threshold": pair_threshold, "threads": a.threads,
        "auprc_fp32": m32["auprc"], "auprc_int8": m8["auprc"], "auprc_delta": m8["auprc"] - m32["auprc"],
        "max_abs_dp": float(diff.max()), "mean_abs_dp": float(diff.mean()), "p99_abs_dp": float(np.quantile(diff, 0.99)),
        "flips_at_threshold": flips, "flips_at_0.5": flips_half,
        "recall_fp32": m32["recall"], "recall_int8": m8["recall"],
        "fpr_all_benign_fp32": m32["fpr_all_benign"], "fpr_all_benign_int8": m8["fpr_all_benign"],
        "recall_at_1pct_fpr_fp32": m32["recall_at_1pct_fpr"], "recall_at_1pct_fpr_int8": m8["recall_at_1pct_fpr"],
        "seconds_fp32": round(runs["fp32"][1], 2), "seconds_int8": round(runs["int8"][1], 2),
    }
    if a.pytorch:
        import torch
        from evaluate import score
        from transformers import BertForSequenceClassification
        torch.set_num_threads(a.threads)
        model = BertForSequenceClassification.from_pretrained(a.model, dtype=torch.float32).eval()
        pt = score(model, windower, va, desc="pytorch fp32")
        summary["auprc_pytorch"] = metrics(va, pt, threshold=threshold, pair_threshold=pair_threshold)["auprc"]
        summary["max_abs_dp_rampart_vs_pytorch"] = float(np.abs(pt - p32).max())
        summary["flips_rampart_vs_pytorch"] = int(((pt >= row_threshold) != (p32 >= row_threshold)).sum())
    if a.recipe_metrics and a.recipe_metrics.is_file():
        recipe = json.loads(a.recipe_metrics.read_text())
        summary["auprc_recipe_pytorch"] = recipe["model"]["auprc"]
        summary["n_val_recipe"] = recipe["n_val"]

    print(f"validation: {len(va)} rows ({m32['n_unsafe']} unsafe), {sum(expected_windows)} windows, "
          f"threshold {threshold} (rampart.json), {a.threads} thread(s)")
    if "auprc_recipe_pytorch" in summary:
        print(f"recipe's metrics.json (PyTorch fp32, {summary['n_val_recipe']} rows; its generated pairs may differ "
              f"from this cache's): AUPRC {summary['auprc_recipe_pytorch']:.4f}")
    if "auprc_pytorch" in summary:
        print(f"PyTorch fp32 (same rows): AUPRC {summary['auprc_pytorch']:.4f}; Rampart fp32 vs PyTorch: max |dP| "
              f"{summary['max_abs_dp_rampart_vs_pytorch']:.2e}, {summary['flips_rampart_vs_pytorch']} decisions differ")
    print(f"Rampart fp32: AUPRC {m32['auprc']:.4f}  recall {m32['recall']:.4f}  FPR(all benign) {m32['fpr_all_benign']:.4f}"
          f"  ({summary['seconds_fp32']} s)")
    print(f"Rampart int8: AUPRC {m8['auprc']:.4f}  recall {m8['recall']:.4f}  FPR(all benign) {m8['fpr_all_benign']:.4f}"
          f"  ({summary['seconds_int8']} s)")
    verdict = "met" if abs(summary["auprc_delta"]) <= 0.005 else "NOT met"
    print(f"AUPRC delta int8 - fp32: {summary['auprc_delta']:+.4f} (target |delta| <= 0.005: {verdict})")
    print(f"|dP| max {summary['max_abs_dp']:.4f}  mean {summary['mean_abs_dp']:.5f}  p99 {summary['p99_abs_dp']:.4f}; "
          f"decisions flipped: {flips} at the threshold, {flips_half} at 0.5")
    if a.json:
        a.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
