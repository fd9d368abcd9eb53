#!/usr/bin/env python3
"""Latency of one (prompt, response) pair per window length: `rampart bench` (the offline scorer, no HTTP) on a pair
that fills a 128-, 256- and 512-token window, at one client, in one run; prints a markdown table.

    swift build -c release --product rampart
    python3 Models/bench/window_latency.py [--precision fp32|int8|auto] [--threads 1] [--seconds 5]

The text is written for this script (no dataset). Every window length runs the same model with the same settings;
only `--max-length` and the length of the response change, so the ratios are the cost of the longer window.
"""
import argparse
import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROMPT = "Can you explain how vaccines train the immune system to recognise a virus, and why boosters are needed?"
SENTENCE = ("Vaccines show the immune system a harmless piece of a virus, so that B cells and T cells learn to "
            "recognise it and respond faster when the real virus arrives. ")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=REPO / ".build/release/rampart")
    ap.add_argument("--model", type=Path, default=REPO / "Models/rampart-guard-minilm")
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()
    rows = []
    for length, sentences in ((128, 3), (256, 7), (512, 15)):  # ~30 tokens a sentence: fills each window
        out = subprocess.run([str(a.binary), "bench", "--model", str(a.model), "--prompt", PROMPT,
                              "--response", SENTENCE * sentences, "--max-length", str(length),
                              "--precision", a.precision, "--threads", str(a.threads), "--seconds", str(a.seconds)],
                             check=True, capture_output=True, text=True).stdout
        rows.append((length, json.loads(out.strip().splitlines()[-1])))
    base = rows[0][1]["p50_ms"]
    print(f"| window | windows scored | p50 ms | p99 ms | vs 128 | precision |\n|---|---:|---:|---:|---:|---|")
    for length, r in rows:
        print(f"| {length} | {r['windows']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['p50_ms'] / base:.2f}x | {r['precision']} |")


if __name__ == "__main__":
    main()
