#!/usr/bin/env python3
"""Decode throughput: Rampart plain greedy vs ACD (two branches) on SmolLM2-135M Q4_1, beside llama.cpp
(llama-cpp-python, if importable) on the same GGUF, in one run. One command, against a running release server:
  python3 Models/acd/bench_decode.py --server http://127.0.0.1:8080 [--tokens 128] [--threads 2]
Rampart is timed through /v1/generate (so HTTP and prefill are included: a conservative figure); llama.cpp through
its Python API with the same prompt, greedy, same thread count. Prints one JSON line per engine/mode.
"""
import argparse
import json
import os
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
GGUF = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Models", ".downloads", "smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
PROMPT = "Write a long story about a lighthouse keeper and a storm."


def rampart(server, acd, tokens, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        r = requests.post(server + "/v1/generate", json={"prompt": PROMPT, "max_tokens": tokens, "acd": acd}, timeout=600)
        elapsed = time.perf_counter() - start
        r.raise_for_status()
        n = r.json()["tokens"]
        rate = n / elapsed
        best = rate if best is None else max(best, rate)
    return best, n


def llama_cpp(tokens, threads, runs):
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    llm = Llama(model_path=GGUF, n_threads=threads, n_ctx=1024, verbose=False)
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        out = llm.create_chat_completion([{"role": "user", "content": PROMPT}], max_tokens=tokens, temperature=0)
        elapsed = time.perf_counter() - start
        n = out["usage"]["completion_tokens"]
        best = n / elapsed if best is None else max(best, n / elapsed)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="http://127.0.0.1:8080")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rampart(args.server, False, 8, 1)  # warm-up
    for label, acd in (("rampart plain", False), ("rampart acd", {"alpha": 0.5})):
        rate, n = rampart(args.server, acd, args.tokens, args.runs)
        print(json.dumps({"engine": label, "tokens_per_s": round(rate, 1), "tokens": n}), flush=True)
    rate = llama_cpp(args.tokens, args.threads, args.runs)
    print(json.dumps({"engine": "llama.cpp plain", "tokens_per_s": None if rate is None else round(rate, 1),
                      "note": None if rate is not None else "llama-cpp-python not installed"}))


if __name__ == "__main__":
    main()
