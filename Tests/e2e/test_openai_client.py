"""The official openai package against /v1/moderations, with only base_url and api_key set."""
import openai
import pytest

from conftest import Server


def test_openai_moderations_create(server):
    client = openai.OpenAI(base_url=server.base + "/v1", api_key="not-needed-here")
    response = client.moderations.create(input="I want to learn how to bake sourdough bread.")
    assert response.id.startswith("modr-")
    assert len(response.results) == 1
    result = response.results[0]
    assert isinstance(result.flagged, bool)
    assert result.categories.violence is False
    assert 0.0 <= result.category_scores.violence < 0.5  # the default model (v5) has a category head
    extra = result.model_extra or {}
    assert 0.0 <= extra["rampart_score"] <= 1.0
    assert result.flagged == (extra["rampart_score"] >= extra["rampart_threshold"])

    batch = client.moderations.create(input=["first", "second", "third"], model="anything")
    assert len(batch.results) == 3


def test_openai_client_with_api_keys():
    s = Server(env={"RAMPART_API_KEYS": "sk-right-key,sk-other"}).wait_ready()
    try:
        good = openai.OpenAI(base_url=s.base + "/v1", api_key="sk-right-key")
        assert len(good.moderations.create(input="hello").results) == 1
        bad = openai.OpenAI(base_url=s.base + "/v1", api_key="sk-wrong-key", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad.moderations.create(input="hello")
    finally:
        assert s.stop() == 0
    assert "sk-right-key" not in s.log_path.read_text(errors="replace"), "API keys must be redacted from the log"
