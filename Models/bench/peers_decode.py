#!/usr/bin/env python3
"""llama.cpp's greedy decoding speed on a GGUF, for DecodeBench (Sources/DecodeBench) to print beside Rampart's.

Uses llama-cpp-python (PyPI, builds llama.cpp from source: `pip install llama-cpp-python==0.3.36`; benchmark only,
never a dependency of Rampart). Same prompt token ids, greedy (top_k=1), the same number of generated tokens and
threads; timing as DecodeBench: decode tok/s between the first and the last generated token, prefill = start to the
first token, CPU ms per token from process CPU time (all threads). Prints one JSON object (medians over --runs) on stdout.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--ids", required=True, help="comma-separated prompt token ids")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import llama_cpp
    from llama_cpp import Llama

    ids = [int(t) for t in args.ids.split(",")]
    llm = Llama(model_path=args.model, n_threads=args.threads, n_threads_batch=args.threads, n_ctx=1024,
                n_batch=512, verbose=False)
    print(f"llama-cpp-python {llama_cpp.__version__}", file=sys.stderr)

    def once():
        llm.reset()
        llama_cpp.llama_perf_context_reset(llm._ctx.ctx)
        stamps, cpu = [], []
        start = time.perf_counter()
        for token in llm.generate(ids, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=1.0, reset=True):
            stamps.append(time.perf_counter())
            cpu.append(time.process_time())
            if len(stamps) == args.tokens:
                break
        rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
        # llama.cpp's own count of its decode calls, without the Python binding's per-token work.
        perf = llama_cpp.llama_perf_context(llm._ctx.ctx)
        internal = perf.n_eval / (perf.t_eval_ms / 1e3) if perf.t_eval_ms > 0 else 0.0
        return rate, (stamps[0] - start) * 1e3, (cpu[-1] - cpu[0]) * 1e3 / (len(cpu) - 1), internal

    once()  # warm-up
    results = [once() for _ in range(args.runs)]
    print(f"llama.cpp internal decode (llama_perf_context t_eval): {statistics.median(r[3] for r in results):.1f} tok/s "
          f"(wall-clock figure below includes llama-cpp-python's per-token work)", file=sys.stderr)
    print(json.dumps({"engine": "llama.cpp plain (q8 act)",
                      "decodeRate": statistics.median(r[0] for r in results),
                      "firstTokenMs": statistics.median(r[1] for r in results),
                      "promptTokens": len(ids),
                      "cpuMsPerToken": statistics.median(r[2] for r in results)}))


if __name__ == "__main__":
    main()
