"""Proxy benchmark: a streamed chat completion through `rampart serve --upstream` against the same request sent to
the upstream directly, side by side in one run (alternating A/B per round).

The upstream is Rampart's own chat completions on SmolLM2-135M-Instruct Q4_1 (`--causal-model`; fetch it with
Models/fetch-smollm2.sh), or with `--upstream llamacpp` llama.cpp's OpenAI-compatible server on the same GGUF
(`pip install "llama-cpp-python[server]==0.3.36"`); greedy, so both paths generate the same tokens. Per request: time to the first content
token (TTFT) and total time; medians over the rounds and the proxy/direct ratios. Also: streamed tokens per second
after the first token, and the proxy process's CPU per streamed token (input rail, output-rail checks, parsing and
forwarding; from /proc/<pid>/stat).

Needs: a release build (swift build -c release --product rampart) and httpx (Tests/e2e/requirements.txt).
Run:   python3 Models/bench/proxy_bench.py [--rounds 7] [--max-tokens 128] [--hold-back] [--upstream llamacpp]
Everything shares this machine's cores (generation, guard, client), so quote medians and ratios.
"""
import argparse
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "release" / "rampart"
GGUF = ROOT / "Models" / ".downloads" / "smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
QUESTION = "Write a long story about a dragon who learns to bake bread, with many details."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(*args):
    port = free_port()
    process = subprocess.Popen([str(BINARY), "serve", "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait(process, f"http://127.0.0.1:{port}", "/ready")


def serve_llamacpp(threads):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(GGUF), "--host", "127.0.0.1",
                                "--port", str(port), "--n_ctx", "2048", "--n_threads", threads],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait(process, f"http://127.0.0.1:{port}", "/v1/models")


def wait(process, base, probe):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + probe, timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{base} was not ready")


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stream_once(client, base, max_tokens):
    body = {"model": "smollm2", "messages": [{"role": "user", "content": QUESTION}], "max_tokens": max_tokens,
            "stream": True, "temperature": 0, "seed": 1}
    started = time.perf_counter()
    first, tokens, text = None, 0, []
    with client.stream("POST", base + "/v1/chat/completions", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            for choice in chunk.get("choices", []):
                if choice["delta"].get("content"):
                    first = first or time.perf_counter()
                    tokens += 1
                    text.append(choice["delta"]["content"])
    end = time.perf_counter()
    return first - started, end - started, tokens, "".join(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--hold-back", action="store_true")
    parser.add_argument("--threads", default="1")
    parser.add_argument("--upstream", choices=["rampart", "llamacpp"], default="rampart")
    args = parser.parse_args()
    if args.upstream == "llamacpp":
        upstream, upstream_base = serve_llamacpp(args.threads)
    else:
        upstream, upstream_base = serve("--causal-model", str(GGUF), "--threads", args.threads)
    proxy_args = ["--upstream", upstream_base + "/v1", "--threads", args.threads]
    if args.hold_back:
        proxy_args.append("--hold-back")
    proxy, proxy_base = serve(*proxy_args)
    results = {"direct": [], "proxy": []}
    cpu, proxy_tokens = 0.0, 0
    try:
        with httpx.Client(timeout=300) as client:
            stream_once(client, upstream_base, 8)  # warm both paths
            stream_once(client, proxy_base, 8)
            for _ in range(args.rounds):
                results["direct"].append(stream_once(client, upstream_base, args.max_tokens))
                before = cpu_seconds(proxy.pid)
                results["proxy"].append(stream_once(client, proxy_base, args.max_tokens))
                cpu += cpu_seconds(proxy.pid) - before
                proxy_tokens += results["proxy"][-1][2]
    finally:
        proxy.terminate()
        upstream.terminate()
        proxy.wait()
        upstream.wait()
    same = all(d[3] == p[3] for d, p in zip(results["direct"], results["proxy"]))

    def median(path, index):
        return statistics.median(r[index] for r in results[path])

    def rate(path):
        return statistics.median(r[2] / (r[1] - r[0]) for r in results[path] if r[1] > r[0])

    rows = [("TTFT ms", median("direct", 0) * 1000, median("proxy", 0) * 1000),
            ("total ms", median("direct", 1) * 1000, median("proxy", 1) * 1000),
            ("streamed tokens/s after the first", rate("direct"), rate("proxy"))]
    mode = "hold-back" if args.hold_back else "forward"
    print(f"proxy benchmark ({mode}, upstream {args.upstream}), {args.rounds} rounds, max_tokens {args.max_tokens}, "
          f"{statistics.median(r[2] for r in results['proxy'])} tokens per answer, same text: {same}")
    print("| measure | direct | through the proxy | proxy / direct |")
    print("|---|---:|---:|---:|")
    for name, direct, proxied in rows:
        print(f"| {name} | {direct:.1f} | {proxied:.1f} | {proxied / direct:.2f} |")
    print(f"| proxy CPU ms per streamed token (rails + forwarding) | | {cpu * 1000 / max(1, proxy_tokens):.2f} | |")


if __name__ == "__main__":
    main()
