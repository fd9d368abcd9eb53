"""Malformed and hostile requests over raw sockets: each gets the right status and the server keeps serving."""
import socket
import time

import pytest
import requests

from conftest import Server, raw_exchange, status_of

GOOD = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def still_serving(port):
    assert status_of(raw_exchange(port, GOOD)) == 200


CASES = [
    ("bad request line", b"GARBAGE\r\n\r\n", 400),
    ("bad version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
    ("huge header", b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n", 431),
    ("too many headers", b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(300)) + b"\r\n", 431),
    ("long uri", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    ("bad chunk size", b"POST /v1/score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
    ("cl and te", b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("no length", b"POST /v1/score HTTP/1.1\r\nHost: x\r\n\r\n", 411),
    ("body over cap", b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n", 413),
    ("invalid json", b'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"prompt"', 400),
    ("invalid utf8", b'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"prompt":"\xc3("}', 400),
]


@pytest.mark.parametrize("name,request_bytes,status", CASES, ids=[c[0] for c in CASES])
def test_hostile_request_gets_status_and_server_survives(server, name, request_bytes, status):
    raw = raw_exchange(server.port, request_bytes)
    assert status_of(raw) == status, raw[:300]
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"application/json" in head.lower()
    assert b'"error"' in body
    still_serving(server.port)


def test_truncated_headers_then_close(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Le")
    still_serving(server.port)


def test_truncated_body_then_close(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"pro")
    still_serving(server.port)


def test_pipelined_requests_are_answered_in_order(server):
    body = b'{"prompt": "hello there"}'
    score = (b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    raw = raw_exchange(server.port, score + b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" + score + GOOD)
    statuses = [int(part.split(b" ", 2)[1]) for part in raw.split(b"HTTP/1.1 ")[1:] for part in [b"HTTP/1.1 " + part]]
    assert statuses == [200, 200, 200, 200]
    assert raw.index(b'"score"') < raw.index(b'"status":"ok"')


def test_chunked_body_and_expect_continue(server):
    payload = b'{"prompt": "chunked hello"}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    raw = raw_exchange(server.port, b"POST /v1/score HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    assert status_of(raw) == 200 and b'"score"' in raw
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(payload))
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100"), interim
        sock.sendall(payload)
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
        assert b"HTTP/1.1 200" in rest


def test_slowloris_is_cut_by_the_header_timeout():
    s = Server("--header-timeout", "1").wait_ready()
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
            started = time.monotonic()
            reply = b""
            try:
                for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                reply = sock.recv(4096)
            except ConnectionResetError:
                pass
            elapsed = time.monotonic() - started
        assert elapsed < 5, "a trickling client must be cut near the header timeout"
        assert reply == b"" or status_of(reply) == 408
        assert requests.get(s.base + "/health").status_code == 200
    finally:
        assert s.stop() == 0


def test_sigterm_drains_in_flight_requests():
    # A generous grace period: this machine may be busy, and the point is that the request finishes, not how fast.
    s = Server("--shutdown-grace", "120").wait_ready()
    import threading
    results = {}

    def long_request():
        text = " ".join(["A long but harmless paragraph about the history of tea."] * 60)
        results["r"] = requests.post(s.base + "/v1/score", json={"inputs": [{"prompt": text}] * 4}, timeout=60)

    thread = threading.Thread(target=long_request)
    thread.start()
    time.sleep(0.3)
    code = s.stop(timeout=130)
    thread.join()
    assert code == 0
    assert results["r"].status_code == 200 and len(results["r"].json()["results"]) == 4
