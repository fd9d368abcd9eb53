"""CORS on the real binary (issue 14): a preflight carries each origin header once (browsers reject a
preflight with two Access-Control-Allow-Origin values), every response to a list-configured server
says Vary: Origin, and responses the server makes itself (431 …) get the same headers and are
counted in /metrics."""
import http.client
import socket

import pytest
import requests

from conftest import Server

GOOD = "https://good.example"


@pytest.fixture(scope="module")
def cors_server():
    s = Server("--cors-origins", GOOD).wait_ready()
    yield s
    assert s.stop() == 0


def raw_headers(port: int, method: str, path: str, headers: dict) -> tuple[int, list[tuple[str, str]]]:
    """Status and every header line as sent (requests would merge duplicates)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheaders()


def values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def test_cors_preflight_has_each_origin_header_once(cors_server):
    status, headers = raw_headers(cors_server.port, "OPTIONS", "/v1/score",
                                  {"Origin": GOOD, "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert values(headers, "Access-Control-Allow-Origin") == [GOOD]
    assert values(headers, "Vary") == ["Origin"]
    assert "POST" in values(headers, "Access-Control-Allow-Methods")[0]


def test_cors_post_from_other_origin_varies_on_origin(cors_server):
    status, headers = raw_headers(cors_server.port, "POST", "/v1/score",
                                  {"Origin": "https://evil.example", "Content-Type": "application/json"})
    assert values(headers, "Access-Control-Allow-Origin") == []
    assert "Origin" in values(headers, "Vary")
    r = requests.post(cors_server.base + "/v1/score", json={"prompt": "hello"}, headers={"Origin": GOOD})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == GOOD


def test_cors_server_made_responses_are_decorated_and_counted(cors_server):
    with socket.create_connection(("127.0.0.1", cors_server.port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nOrigin: " + GOOD.encode()
                     + b"\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    assert head[0].startswith("HTTP/1.1 431")
    # The head was never complete, so the origin is unknown: no Allow-Origin, but Vary all the same.
    assert "vary: origin" in [line.lower() for line in head[1:]]
    metrics = requests.get(cors_server.base + "/metrics").text
    assert 'status="431"' in metrics


def test_threshold_that_underflows_is_accepted(cors_server):
    r = requests.post(cors_server.base + "/v1/score", data='{"prompt": "hello", "threshold": 1e-999999999}',
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["threshold"] == 0.0
