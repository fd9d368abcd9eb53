"""HTTP/2 (cleartext: prior knowledge and h2c upgrade) and gzip on the wire, against the real `rampart serve`,
driven by nghttp2's own tools (nghttp, h2load), httpx over HTTP/2, curl and the `h2` package for raw frames."""
import asyncio
import gzip
import json
import shutil
import signal
import socket
import subprocess
import time

import h2.config
import hpack
import hyperframe.frame
import h2.connection
import h2.events
import h2.errors
import httpx
import pytest
import requests

from conftest import Server

needs_nghttp = pytest.mark.skipif(shutil.which("nghttp") is None, reason="nghttp2-client is not installed")
SCORE = {"prompt": "How do I bake bread?", "response": "Mix flour, water, yeast and salt."}


def h2_client(**kwargs) -> httpx.Client:
    # http1=False: HTTP/2 with prior knowledge on an http:// URL.
    return httpx.Client(http1=False, http2=True, timeout=30, **kwargs)


def open_h2(port: int):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def read_events(sock, conn, until, timeout=10.0):
    """Reads frames until `until(events_so_far)` is true or the server closes; returns all events."""
    events = []
    deadline = time.monotonic() + timeout
    sock.settimeout(0.5)
    while time.monotonic() < deadline and not until(events):
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        if not data:
            break
        events += conn.receive_data(data)
        pending = conn.data_to_send()
        if pending:
            try:
                sock.sendall(pending)
            except OSError:
                break
    return events


@needs_nghttp
def test_nghttp_prior_knowledge_health(server):
    out = subprocess.run(["nghttp", "-nv", f"{server.base}/health"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert ":status: 200" in out.stdout
    assert "SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100" in out.stdout


@needs_nghttp
def test_nghttp_h2c_upgrade(server):
    out = subprocess.run(["nghttp", "-nvu", f"{server.base}/health"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "HTTP/1.1 101 Switching Protocols" in out.stdout
    assert "(stream_id=1) :status: 200" in out.stdout


def test_curl_h2c_upgrade_and_prior_knowledge(server):
    for flag in ("--http2", "--http2-prior-knowledge"):
        out = subprocess.run(["curl", "-sS", "-i", flag, f"{server.base}/health"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert "HTTP/2 200" in out.stdout
        assert out.stdout.rstrip().endswith('{"status":"ok"}')


@needs_nghttp
def test_h2load_many_streams_without_failures(server):
    out = subprocess.run(
        ["h2load", "-n", "2000", "-c", "4", "-m", "10", f"{server.base}/health"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "2000 succeeded, 0 failed, 0 errored, 0 timeout" in out.stdout, out.stdout
    assert "status codes: 2000 2xx" in out.stdout


def test_httpx_concurrent_scores_on_one_connection(server):
    async def main():
        async with httpx.AsyncClient(http1=False, http2=True, timeout=60) as client:
            prompts = [f"question number {i}: how do plants grow?" for i in range(24)]
            responses = await asyncio.gather(
                *(client.post(f"{server.base}/v1/score", json={"prompt": p}) for p in prompts))
            return prompts, responses

    prompts, responses = asyncio.run(main())
    for response in responses:
        assert response.http_version == "HTTP/2"
        assert response.status_code == 200, response.text
        body = response.json()
        assert 0.0 <= body["score"] <= 1.0
    # Same answers as HTTP/1.1 for the same input (the protocol does not reach the scorer).
    http1 = requests.post(f"{server.base}/v1/score", json={"prompt": prompts[3]}, timeout=30).json()
    assert abs(http1["score"] - responses[3].json()["score"]) < 1e-5  # batching with other requests changes float32 rounding


def test_h2_body_over_cap_gets_413_on_that_stream_only(server):
    with h2_client() as client:
        big = client.post(f"{server.base}/v1/score", content=b"x" * (3 * 1024 * 1024),
                          headers={"content-type": "application/json"})
        assert big.status_code == 413
        assert big.json()["error"]["code"] == "content_too_large"
        again = client.post(f"{server.base}/v1/score", json=SCORE)
        assert again.status_code == 200
        assert again.http_version == "HTTP/2"


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_gzip_response_negotiation(server, http2):
    client = h2_client() if http2 else httpx.Client(timeout=30)
    with client:
        plain = client.get(f"{server.base}/openapi.json", headers={"accept-encoding": "identity"})
        zipped = client.get(f"{server.base}/openapi.json", headers={"accept-encoding": "br;q=1, gzip;q=0.5"})
        refused = client.get(f"{server.base}/openapi.json", headers={"accept-encoding": "gzip;q=0, *;q=1"})
        small = client.get(f"{server.base}/health", headers={"accept-encoding": "gzip"})
    assert plain.status_code == zipped.status_code == refused.status_code == 200
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2  # wire size
    assert zipped.json() == plain.json()  # httpx decodes gzip
    assert "content-encoding" not in refused.headers
    assert "content-encoding" not in small.headers  # below 1 KiB: not worth it


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_gzip_request_bodies(server, http2):
    client = h2_client() if http2 else httpx.Client(timeout=30)
    url = f"{server.base}/v1/score"
    with client:
        identity = client.post(url, json=SCORE).json()
        for coding in ("gzip", "x-gzip"):
            zipped = client.post(url, content=gzip.compress(json.dumps(SCORE).encode()),
                                 headers={"content-type": "application/json", "content-encoding": coding})
            assert zipped.status_code == 200, zipped.text
            assert abs(zipped.json()["score"] - identity["score"]) < 1e-5  # batching with other requests changes float32 rounding
        bomb = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)  # ~64 KiB on the wire
        assert len(bomb) < 200_000
        answer = client.post(url, content=bomb, headers={"content-type": "application/json", "content-encoding": "gzip"})
        assert answer.status_code == 413 and answer.json()["error"]["code"] == "content_too_large"
        corrupt = client.post(url, content=b"\x1f\x8b\x08\x00garbage",
                              headers={"content-type": "application/json", "content-encoding": "gzip"})
        assert corrupt.status_code == 400 and "error" in corrupt.json()
        for coding in ("br", "deflate", "zstd"):
            unknown = client.post(url, content=b"{}", headers={"content-type": "application/json", "content-encoding": coding})
            assert unknown.status_code == 415, coding
            assert unknown.json()["error"]["code"] == "unsupported_content_encoding"
        # The same connection still serves.
        assert client.post(url, json=SCORE).status_code == 200


def test_rapid_reset_flood_gets_goaway_enhance_your_calm(server):
    sock, conn = open_h2(server.port)
    with sock:
        for i in range(600):
            stream_id = conn.get_next_available_stream_id()
            conn.send_headers(stream_id, [(":method", "GET"), (":path", "/health"), (":scheme", "http"),
                                          (":authority", "x")], end_stream=True)
            conn.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
            if i % 50 == 49:
                try:
                    sock.sendall(conn.data_to_send())
                except OSError:
                    break
        try:
            sock.sendall(conn.data_to_send())
        except OSError:
            pass
        events = read_events(sock, conn, lambda ev: any(isinstance(e, h2.events.ConnectionTerminated) for e in ev))
    goaways = [e for e in events if isinstance(e, h2.events.ConnectionTerminated)]
    assert goaways, "no GOAWAY after a rapid-reset flood"
    assert goaways[0].error_code == h2.errors.ErrorCodes.ENHANCE_YOUR_CALM
    # The server stays up for new connections.
    with h2_client() as client:
        assert client.get(f"{server.base}/health").status_code == 200


def test_ping_and_settings_floods_are_bounded(server):
    """A client that floods PING and SETTINGS without reading the ACKs: the server stops reading it (its output
    is full) or nghttp2 drops it past 1000 queued ACKs; either way the server keeps serving others."""
    sock, conn = open_h2(server.port)
    with sock:
        flood = b"".join(hyperframe.frame.PingFrame(0, opaque_data=i.to_bytes(8, "big")).serialize() for i in range(20000))
        flood += hyperframe.frame.SettingsFrame(0, settings={4: 65535}).serialize() * 20000
        sock.settimeout(5)
        try:
            sock.sendall(flood)
        except (socket.timeout, OSError):
            pass  # the server stopped reading or closed: both bound the flood
    with h2_client() as client:
        assert client.get(f"{server.base}/health").status_code == 200


def test_header_bomb_is_refused_and_server_survives(server):
    with h2_client() as client:
        big = client.get(f"{server.base}/health", headers={f"x-bomb-{i}": "v" * 1000 for i in range(60)})  # 60 KB
        many = client.get(f"{server.base}/health", headers={f"x-many-{i}": "v" for i in range(150)})
        for answer in (big, many):
            assert answer.status_code == 431
            assert answer.json()["error"]["code"] == "request_header_fields_too_large"
        assert client.get(f"{server.base}/health").status_code == 200  # same connection


def raw_frames(data: bytes):
    """Splits raw HTTP/2 bytes into hyperframe frames."""
    frames = []
    while len(data) >= 9:
        frame, length = hyperframe.frame.Frame.parse_frame_header(memoryview(data[:9]))
        if len(data) < 9 + length:
            break
        frame.parse_body(memoryview(data[9:9 + length]))
        frames.append(frame)
        data = data[9 + length:]
    return frames


def test_graceful_shutdown_sends_goaway_and_finishes_in_flight_streams():
    s = Server().wait_ready()
    try:
        sock, conn = open_h2(s.port)
        with sock:
            read_events(sock, conn, lambda ev: any(isinstance(e, h2.events.RemoteSettingsChanged) for e in ev), timeout=5)
            body = json.dumps({"inputs": [SCORE] * 8}).encode()
            conn.send_headers(1, [(":method", "POST"), (":path", "/v1/score"), (":scheme", "http"),
                                  (":authority", "x"), ("content-type", "application/json"),
                                  ("content-length", str(len(body)))])
            conn.send_data(1, body, end_stream=True)
            sock.sendall(conn.data_to_send())
            time.sleep(0.05)  # let the server read the request: a stream it never saw is not in flight
            s.process.send_signal(signal.SIGTERM)
            # The h2 package treats a connection as closed once GOAWAY arrives, so read raw frames.
            received = b""
            sock.settimeout(30)
            while chunk := sock.recv(65536):
                received += chunk
        frames = raw_frames(received)
        kinds = [(type(f).__name__, f.stream_id) for f in frames]
        goaway = next(i for i, f in enumerate(frames) if isinstance(f, hyperframe.frame.GoAwayFrame))
        assert frames[goaway].error_code == 0 and frames[goaway].last_stream_id == 1
        headers = next(f for f in frames if isinstance(f, hyperframe.frame.HeadersFrame) and f.stream_id == 1)
        assert (b":status", b"200") in [(bytes(k), bytes(v)) for k, v in hpack.Decoder().decode(headers.data, raw=True)]
        data = b"".join(f.data for f in frames if isinstance(f, hyperframe.frame.DataFrame) and f.stream_id == 1)
        assert len(json.loads(data)["results"]) == 8, kinds
        assert "END_STREAM" in [f for f in frames if f.stream_id == 1][-1].flags
    finally:
        assert s.stop() == 0, s.output()
