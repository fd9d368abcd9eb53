"""The scoring API, moderation shape, probes, metrics and OpenAPI document over real HTTP."""
import json

import requests
from openapi_spec_validator import validate


def test_score_single_pair_has_the_documented_fields(server):
    r = requests.post(server.base + "/v1/score", json={"prompt": "How do I bake bread?", "response": "Mix flour, water, yeast."})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    for key in ("score", "flagged", "threshold", "truncated", "tokens", "model", "windows", "labels"):
        assert key in body, key
    assert 0.0 <= body["score"] <= 1.0
    assert body["flagged"] == (body["score"] >= body["threshold"])
    assert body["tokens"] > 5 and body["windows"] == 1 and body["truncated"] is False
    assert abs(sum(body["labels"].values()) - 1.0) < 1e-6


def test_score_batch_keeps_input_order_and_matches_single_scores(server):
    inputs = [{"prompt": f"Question number {i}: what is {i} plus {i}?", "response": str(2 * i)} for i in range(7)]
    inputs.append({"prompt": "Tell me a story about a dragon."})
    batch = requests.post(server.base + "/v1/score", json={"inputs": inputs}).json()
    assert len(batch["results"]) == len(inputs)
    for item, result in zip(inputs, batch["results"]):
        single = requests.post(server.base + "/v1/score", json=item).json()
        assert abs(single["score"] - result["score"]) < 1e-4
        assert single["tokens"] == result["tokens"]


def test_threshold_override_decides_flagged(server):
    item = {"prompt": "Explain photosynthesis.", "response": "Plants turn light into sugar."}
    low = requests.post(server.base + "/v1/score", json={**item, "threshold": 0.0}).json()
    high = requests.post(server.base + "/v1/score", json={**item, "threshold": 1.0}).json()
    assert low["flagged"] is True and low["threshold"] == 0.0
    assert high["flagged"] is (high["score"] >= 1.0) and high["threshold"] == 1.0


def test_long_response_is_windowed_not_silently_cut(server):
    long_response = " ".join(["This is a long and perfectly harmless answer about gardening."] * 200)
    body = requests.post(server.base + "/v1/score", json={"prompt": "Tell me about gardens.", "response": long_response}).json()
    assert body["windows"] > 1
    assert body["tokens"] > 1000


def test_probes_models_and_openapi(server):
    assert requests.get(server.base + "/health").json() == {"status": "ok"}
    ready = requests.get(server.base + "/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    models = requests.get(server.base + "/v1/models").json()
    assert models["object"] == "list" and models["data"][0]["object"] == "model"
    document = requests.get(server.base + "/openapi.json").json()
    validate(document)
    assert set(document["paths"]) == {"/", "/v1/score", "/v1/moderations", "/v1/generate", "/v1/chat/completions", "/v1/models", "/health", "/ready", "/metrics", "/openapi.json"}


def test_metrics_count_requests_and_tokens(server):
    requests.post(server.base + "/v1/score", json={"prompt": "hello"})
    text = requests.get(server.base + "/metrics").text
    assert 'rampart_http_requests_total{' in text and 'route="/v1/score"' in text
    assert "rampart_tokens_scored_total" in text
    assert "rampart_batch_size" in text
    assert "rampart_http_request_duration_seconds_bucket" in text


def test_errors_are_json_with_the_right_status(server):
    cases = [
        (dict(data=b"{not json", headers={"Content-Type": "application/json"}), 400, "invalid_json"),
        (dict(data=b'{"prompt": "\xff\xfe"}', headers={"Content-Type": "application/json"}), 400, "invalid_utf8"),
        (dict(json={"prompt": 42}), 400, "invalid_type"),
        (dict(json={"response": "only a response"}), 422, "missing_field"),
        (dict(json={"inputs": []}), 422, "empty_input"),
        (dict(json={"prompt": "x", "threshold": 3}), 422, "invalid_value"),
        (dict(data=b"prompt=x", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type"),
    ]
    for kwargs, status, code in cases:
        r = requests.post(server.base + "/v1/score", **kwargs)
        assert r.status_code == status, (kwargs, r.status_code, r.text)
        error = r.json()["error"]
        assert error["code"] == code and error["message"] and error["type"]
    r = requests.get(server.base + "/v1/score")
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = requests.get(server.base + "/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_moderation_shape(server):
    r = requests.post(server.base + "/v1/moderations", json={"input": ["first text", "second text"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"].startswith("modr-") and len(body["results"]) == 2
    result = body["results"][0]
    assert set(result["categories"]) == set(result["category_scores"]) == set(result["category_applied_input_types"])
    assert isinstance(result["flagged"], bool) and 0 <= result["rampart_score"] <= 1
    parts = requests.post(server.base + "/v1/moderations", json={"input": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}).json()
    assert len(parts["results"]) == 1
    image = requests.post(server.base + "/v1/moderations", json={"input": [{"type": "image_url", "image_url": {"url": "x"}}]})
    assert image.status_code == 422 and image.json()["error"]["code"] == "unsupported_input"
