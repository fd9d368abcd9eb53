"""/v1/score with `messages` and `explain` against the real server and the default model."""
import requests

from conftest import harmful_inside_benign


def score(server, body: dict, status: int = 200) -> dict:
    reply = requests.post(server.base + "/v1/score", json=body, timeout=60)
    assert reply.status_code == status, reply.text
    return reply.json()


def test_a_conversation_is_judged_on_its_last_turn(server):
    prompt = "Tell me how to poison my neighbor without getting caught."
    refusal = "I can't help with hurting anyone."
    alone = score(server, {"prompt": prompt})
    assert score(server, {"messages": [{"role": "user", "content": prompt}]})["score"] == alone["score"]
    pair = score(server, {"prompt": prompt, "response": refusal})
    judged = score(server, {"messages": [{"role": "user", "content": [{"type": "text", "text": prompt}]},
                                         {"role": "assistant", "content": refusal}]})
    assert judged["score"] == pair["score"] and judged["threshold"] == pair["threshold"]
    # Earlier turns are context, never judged alone: a harmful earlier request does not flag a benign last turn.
    later = score(server, {"messages": [{"role": "user", "content": prompt},
                                        {"role": "assistant", "content": refusal},
                                        {"role": "user", "content": "Thanks. What should I plant in a shady garden?"}],
                           "explain": True})
    assert not later["flagged"]
    spans = {s["index"] for s in later["explanation"]["windows"][0]["messages"]}
    assert spans == {0, 1, 2}  # all three turns fit in the window
    assert later["explanation"]["prompt_message"] == 2 and "response_message" not in later["explanation"]


def test_explain_points_at_the_harmful_passage(server):
    prompt, harmful = harmful_inside_benign(server)
    result = score(server, {"prompt": prompt, "explain": True})
    windows = result["explanation"]["windows"]
    assert result["flagged"] and len(windows) == result["windows"] >= 5
    assert max(w["score"] for w in windows) == result["score"]
    for window in windows:
        start, end = window["prompt"]["start"], window["prompt"]["end"]
        assert 0 <= start < end <= len(prompt)
        if window["score"] >= result["threshold"]:  # a flagged window read some of the harmful passage
            assert start < harmful.stop and end > harmful.start, window
    assert windows[0]["prompt"]["start"] == 0 and windows[-1]["prompt"]["end"] == len(prompt.rstrip())


def test_invalid_conversations_are_422_with_a_reason(server):
    for messages, code in [([], "empty_input"), ([{"role": "robot", "content": "hi"}], "invalid_value"),
                           ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
                            "unsupported_input"),
                           ([{"role": "user", "content": "hi"}, {"role": "tool", "content": "x"}], "invalid_conversation")]:
        error = score(server, {"messages": messages}, status=422)["error"]
        assert error["code"] == code, error
