"""POST /v1/chat/completions on Rampart's own causal model (`rampart serve --causal-model`, SmolLM2-135M-Instruct
Q4_1), driven by the official openai client, streaming and not (loud skip when the GGUF is missing)."""
import json

import httpx
import openai
import pytest
import requests

from conftest import ROOT, Server

GGUF = ROOT / "Models" / ".downloads" / "smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


@pytest.fixture(scope="module")
def chat_server():
    if not GGUF.exists():
        pytest.skip(f"SKIP: {GGUF} is missing; run Models/fetch-smollm2.sh to test chat completions")
    server = Server("--causal-model", str(GGUF)).wait_ready(timeout=120)
    yield server
    server.stop()


def client_for(server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base + "/v1", api_key="unused", max_retries=0, timeout=120)


def test_chat_completion_json(chat_server):
    completion = client_for(chat_server).chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=24)
    assert completion.object == "chat.completion"
    choice = completion.choices[0]
    assert choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    assert 1 <= completion.usage.completion_tokens <= 24
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    # ACD is on by default and reported; "acd": false is plain decoding.
    assert completion.model_extra["acd"]["alpha"] == pytest.approx(0.5)
    plain = client_for(chat_server).chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=24,
                                                           extra_body={"acd": False})
    assert plain.choices[0].message.content and "acd" not in (plain.model_extra or {})


def test_chat_completion_stream_matches_json(chat_server):
    client = client_for(chat_server)
    whole = client.chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=24)
    pieces, finish, roles = [], None, []
    stream = client.chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=24, stream=True,
                                            stream_options={"include_usage": True})
    usage = None
    for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.role:
                roles.append(choice.delta.role)
            if choice.delta.content:
                pieces.append(choice.delta.content)
            if choice.finish_reason:
                finish = choice.finish_reason
    # Greedy decoding: the streamed pieces (only new text each) add up to the JSON answer.
    assert "".join(pieces) == whole.choices[0].message.content
    assert len(pieces) > 1 and roles == ["assistant"]
    assert finish == whole.choices[0].finish_reason
    assert usage is not None and usage.completion_tokens == whole.usage.completion_tokens


def test_chat_completion_raw_sse_ends_with_done(chat_server):
    body = {"messages": QUESTION, "max_tokens": 8, "stream": True, "acd": {"alpha": 0.3}}
    lines = []
    with httpx.Client(timeout=120) as client:
        with client.stream("POST", chat_server.base + "/v1/chat/completions", json=body) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    last = json.loads(lines[-2][len("data: "):])
    assert last["choices"][0]["finish_reason"] in ("stop", "length") and last["choices"][0]["delta"] == {}


def test_chat_completion_conversation_and_errors(chat_server):
    messages = [{"role": "system", "content": "You answer in one word."},
                {"role": "user", "content": "Name a colour."},
                {"role": "assistant", "content": "Blue."},
                {"role": "user", "content": "Another one?"}]
    reply = requests.post(chat_server.base + "/v1/chat/completions", json={"messages": messages, "max_tokens": 8},
                          timeout=120)
    assert reply.status_code == 200, reply.text
    for bad in ({"messages": []}, {"messages": QUESTION, "max_tokens": 5000}, {"messages": QUESTION, "n": 3},
                {"messages": [{"role": "robot", "content": "hi"}]}):
        response = requests.post(chat_server.base + "/v1/chat/completions", json=bad, timeout=30)
        assert response.status_code == 422, (bad, response.text)
        assert "error" in response.json()
    with pytest.raises(openai.UnprocessableEntityError):
        client_for(chat_server).chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=5000)
