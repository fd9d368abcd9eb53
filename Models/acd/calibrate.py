#!/usr/bin/env python3
"""Fits the evidence → probability calibration (one command, against a running server:
  rampart serve --causal-model Models/.downloads/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf --port 8080 &
  python3 Models/acd/calibrate.py --server http://127.0.0.1:8080 [--soft-prompts] [--out Models/acd/calibration-smollm2-outputs.json])

Evidence comes from Rampart itself (`/v1/score` with "acd": true), so the fit matches the engine that applies it.
Pairs: the "calibration" split (corpus.split_of) of train_pairs.jsonl, decontaminated; label 1 = harmful response.
Logistic regression p = sigmoid(a·x + b) by Newton's method (a 2-parameter convex problem, no library needed);
the JSON also records n, the log-loss and the AUC of the raw evidence.
"""
import argparse
import json
import math
import random

import requests

from corpus import clean, read_jsonl, split_of


def fit(xs, ys, iterations=50):
    a, b = 0.0, 0.0
    for _ in range(iterations):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-(a * x + b)))
            ga += (p - y) * x
            gb += p - y
            w = p * (1 - p)
            haa += w * x * x
            hab += w * x
            hbb += w
        haa += 1e-6
        hbb += 1e-6
        det = haa * hbb - hab * hab
        a -= (hbb * ga - hab * gb) / det
        b -= (haa * gb - hab * ga) / det
    return a, b


def auc(xs, ys):
    pos = [x for x, y in zip(xs, ys) if y == 1]
    neg = [x for x, y in zip(xs, ys) if y == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / max(1, len(pos) * len(neg))


def evidence(server, pairs, batch=8):
    out = []
    for i in range(0, len(pairs), batch):
        chunk = pairs[i:i + batch]
        body = {"inputs": [{"prompt": p["prompt"], "response": p["response"]} for p in chunk], "acd": True}
        r = requests.post(server + "/v1/score", json=body, timeout=600)
        r.raise_for_status()
        out += [res["acd"]["evidence"] for res in r.json()["results"]]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8080")
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--out", default="Models/acd/calibration-smollm2-outputs.json")
    args = parser.parse_args()
    rng = random.Random(0)
    pairs, _ = clean(read_jsonl("train_pairs.jsonl"), "prompt", "response")
    pairs = [p for p in pairs if split_of(p["prompt"]) == "calibration" and p["response"].strip()]
    harmful = [p for p in pairs if p["label"] == 1]
    safe = [p for p in pairs if p["label"] == 0]
    rng.shuffle(harmful)
    rng.shuffle(safe)
    chosen = harmful[:args.per_class] + safe[:args.per_class]
    xs = evidence(args.server, chosen)
    ys = [p["label"] for p in chosen]
    a, b = fit(xs, ys)
    loss = -sum(y * math.log(max(1e-12, 1 / (1 + math.exp(-(a * x + b))))) +
                (1 - y) * math.log(max(1e-12, 1 - 1 / (1 + math.exp(-(a * x + b))))) for x, y in zip(xs, ys)) / len(xs)
    result = {"slope": a, "intercept": b, "n": len(xs), "positives": sum(ys), "log_loss": loss, "auc": auc(xs, ys),
              "source": "Models/acd/calibrate.py on the calibration split of train_pairs.jsonl"}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
