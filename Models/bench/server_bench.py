"""Server benchmark: Rampart's HTTP path beside its peers, measured side by side in one run.

  1. GET /health requests/s under wrk (-t2 -c32) against nginx `return 200` with the same body, alternating A/B.
  2. POST /v1/score p50 at one client (persistent connection) against the offline scorer (`rampart bench`, no HTTP)
     on the same input: the server's overhead.
  3. /v1/score throughput at 32 concurrent clients (wrk + Lua) against the offline scorer at 32 concurrent callers.

Needs: a release build (swift build -c release --product rampart), wrk and nginx (Debian: wrk, nginx-light).
Run:   python3 Models/bench/server_bench.py [--model DIR] [--rounds 3] [--seconds 5]
wrk and the server share this machine's cores, so the HTTP figures include the load generator's cost; quote medians
and ratios, not absolute numbers.
"""
import argparse
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "release" / "rampart"
PROMPT = "Can you explain how vaccines train the immune system to recognise a virus?"
RESPONSE = "Vaccines show the immune system a harmless piece of the virus so that it learns to recognise it."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"port {port}{path} not ready")


def wrk(url, seconds, connections=32, script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(non2xx.group(1)) if non2xx else 0


def start_nginx(port, workdir):
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  server {{
    listen 127.0.0.1:{port};
    location /health {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
  }}
}}
""")
    return subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def score_p50_over_http(port, seconds):
    body = json.dumps({"prompt": PROMPT, "response": RESPONSE})
    conn = http.client.HTTPConnection("127.0.0.1", port)
    latencies = []
    for _ in range(5):
        conn.request("POST", "/v1/score", body, {"Content-Type": "application/json"})
        conn.getresponse().read()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = time.perf_counter()
        conn.request("POST", "/v1/score", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        latencies.append((time.perf_counter() - t) * 1000)
    return statistics.median(latencies)


def offline(model_args, concurrency, seconds):
    out = subprocess.run([str(BINARY), "bench", *model_args, "--threads", "2", "--prompt", PROMPT, "--response", RESPONSE,
                          "--concurrency", str(concurrency), "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is required (apt-get install wrk nginx-light)")
    if not BINARY.exists():
        raise SystemExit(f"{BINARY} is missing: swift build -c release --product rampart")
    model_args = ["--model", args.model] if args.model else []

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="rampart-bench-"))
    nginx_port, rampart_port = free_port(), free_port()
    nginx = start_nginx(nginx_port, workdir)
    server = subprocess.Popen([str(BINARY), "serve", *model_args, "--port", str(rampart_port), "--threads", "2",
                               "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(nginx_port, "/health")
        wait_http(rampart_port, "/ready")
        rows = []

        health_r, health_n = [], []
        for _ in range(args.rounds):
            health_r.append(wrk(f"http://127.0.0.1:{rampart_port}/health", args.seconds)[0])
            health_n.append(wrk(f"http://127.0.0.1:{nginx_port}/health", args.seconds)[0])
        ratios = [a / b for a, b in zip(health_r, health_n)]
        rows.append(("GET /health req/s, wrk -c32", statistics.median(health_r), "nginx return 200", statistics.median(health_n),
                     statistics.median(ratios), "higher is better"))

        p50_http, p50_offline = [], []
        for _ in range(args.rounds):
            p50_http.append(score_p50_over_http(rampart_port, args.seconds))
            p50_offline.append(offline(model_args, 1, args.seconds)["p50_ms"])
        ratios = [a / b for a, b in zip(p50_http, p50_offline)]
        rows.append(("/v1/score p50 ms, 1 client", statistics.median(p50_http), "offline scorer p50 ms",
                     statistics.median(p50_offline), statistics.median(ratios), "target <= 1.10"))

        lua = workdir / "score.lua"
        lua.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = '
                       + json.dumps(json.dumps({"prompt": PROMPT, "response": RESPONSE})) + "\n")
        tput_http, tput_offline = [], []
        for _ in range(args.rounds):
            rps, errors = wrk(f"http://127.0.0.1:{rampart_port}/v1/score", args.seconds * 2, script=str(lua))
            if errors:
                print(f"note: {errors} non-2xx responses during the throughput run")
            tput_http.append(rps)
            tput_offline.append(offline(model_args, 32, args.seconds * 2)["requests_per_second"])
        ratios = [a / b for a, b in zip(tput_http, tput_offline)]
        rows.append(("/v1/score req/s, 32 clients", statistics.median(tput_http), "offline scorer, 32 callers",
                     statistics.median(tput_offline), statistics.median(ratios), "target >= 0.90"))

        print(f"\nRampart server benchmark ({os.cpu_count()} CPUs, {args.rounds} rounds of {args.seconds}-{2 * args.seconds} s, medians)\n")
        print(f"| measure | Rampart | peer | peer value | ratio Rampart/peer | note |")
        print(f"|---|---:|---|---:|---:|---|")
        for name, ours, peer, theirs, ratio, note in rows:
            print(f"| {name} | {ours:,.1f} | {peer} | {theirs:,.1f} | {ratio:.2f} | {note} |")
    finally:
        server.send_signal(signal.SIGTERM)
        nginx.send_signal(signal.SIGQUIT)
        server.wait(30)
        nginx.wait(30)


if __name__ == "__main__":
    main()
