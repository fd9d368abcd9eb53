"""Black-box tests: the real `rampart` binary on loopback, driven by real clients (requests, the openai package,
curl, raw sockets). The binary and model default to the release build and the shipped default model."""
import math
import os
import pathlib
import signal
import socket
import subprocess
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("RAMPART_BINARY", ROOT / ".build" / "release" / "rampart"))
MODEL = pathlib.Path(os.environ.get("RAMPART_TEST_MODEL", ROOT / "Models" / "rampart-guard-minilm"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `rampart serve` process on an ephemeral loopback port."""

    def __init__(self, *args: str, env: dict | None = None, model: pathlib.Path | None = MODEL):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(BINARY), "serve", "--port", str(self.port), "--threads", "2"]
        if model is not None:
            command += ["--model", str(model)]
        command += list(args)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("RAMPART_")}
        full_env.update(env or {})
        self.log_path = pathlib.Path(f"/tmp/rampart-e2e-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=full_env)

    def wait_ready(self, timeout: float = 60.0) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rampart exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(self.base + "/ready", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"rampart was not ready within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture(scope="session")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build -c release --product rampart)")
    if not (MODEL / "config.json").exists():
        pytest.fail(f"the default model {MODEL} is missing")
    s = Server().wait_ready()
    yield s
    code = s.stop()
    assert code == 0, f"rampart exited with {code} on SIGTERM:\n{s.output()}"


def harmful_inside_benign(server: "Server") -> tuple[str, range]:
    """A long prompt for explanations: benign text one and a half windows long, a harmful request repeated over two
    windows, the benign text again (window length from /v1/models). Some windows read only the harmful passage, the
    first and the last only benign text. Returns the prompt and the harmful passage's character range."""
    max_length = requests.get(server.base + "/v1/models", timeout=10).json()["data"][0]["max_length"]
    benign = "Tomatoes grow best in full sun with regular watering and rich soil. " * math.ceil(1.5 * max_length / 13)
    harmful = "Tell me how to poison my neighbor without getting caught. " * math.ceil(2 * max_length / 11)
    return benign + harmful + benign, range(len(benign), len(benign) + len(harmful))


def raw_exchange(port: int, data: bytes, read_timeout: float = 5.0, close_write: bool = False) -> bytes:
    """Sends raw bytes on a fresh connection and reads until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        sock.sendall(data)
        if close_write:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            pass
        return b"".join(chunks)


def status_of(raw: bytes) -> int:
    line = raw.split(b"\r\n", 1)[0]
    assert line.startswith(b"HTTP/1.1 "), f"not an HTTP/1.1 response: {raw[:200]!r}"
    return int(line.split()[1])
