"""Configuration: the README table matches `rampart serve --help`, environment aliases work, flags beat them, and a
bad setting or model is one clear error naming what is wrong."""
import subprocess

import requests

from conftest import BINARY, MODEL, ROOT, Server


def test_readme_configuration_table_matches_help():
    generated = subprocess.run(["python3", str(ROOT / "Deploy/scripts/config-table.py"), str(BINARY)],
                               capture_output=True, text=True, check=True).stdout.strip()
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- config-table:begin -->", 1)[1].split("<!-- config-table:end -->", 1)[0].strip()
    assert section == generated, "README's table is stale: run Deploy/scripts/config-table.py --write"


def test_environment_alias_and_flag_precedence():
    s = Server(env={"RAMPART_THRESHOLD": "0.25", "RAMPART_LOG_LEVEL": "warning"}).wait_ready()
    try:
        assert requests.get(s.base + "/v1/models").json()["data"][0]["threshold"] == 0.25
    finally:
        assert s.stop() == 0
    s = Server("--threshold", "0.75", env={"RAMPART_THRESHOLD": "0.25"}).wait_ready()
    try:
        assert requests.get(s.base + "/v1/models").json()["data"][0]["threshold"] == 0.75
    finally:
        assert s.stop() == 0


def run_serve(*args, env=None):
    return subprocess.run([str(BINARY), "serve", *args], capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_bad_settings_are_clear_errors():
    bad_port = run_serve("--model", str(MODEL), "--port", "99999")
    assert bad_port.returncode != 0 and "99999" in bad_port.stderr
    bad_env = run_serve("--model", str(MODEL), env={"RAMPART_THREADS": "many"})
    assert bad_env.returncode != 0 and "RAMPART_THREADS" in bad_env.stderr
    missing = run_serve("--model", "/nonexistent/model-dir")
    assert missing.returncode != 0 and "/nonexistent/model-dir" in missing.stderr


def test_corrupt_model_file_is_named_in_the_error(tmp_path):
    for name in ("config.json", "tokenizer.json", "rampart.json"):
        source = MODEL / name
        if source.exists():
            (tmp_path / name).write_bytes(source.read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not a header")
    result = subprocess.run([str(BINARY), "serve", "--model", str(tmp_path), "--port", "0"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "model.safetensors" in result.stderr


def test_pair_threshold_applies_to_pairs_and_the_flag_replaces_both(tmp_path):
    """rampart.json's pair_threshold decides (prompt, response) pairs, threshold decides prompts alone, /v1/models
    shows both, and an operator's --threshold replaces both."""
    import json
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        (tmp_path / name).symlink_to(MODEL / name)
    (tmp_path / "rampart.json").write_text(json.dumps({"max_length": 128, "threshold": 0.9, "pair_threshold": 0.1,
                                                       "unsafe_label": "unsafe"}))
    prompt = {"prompt": "What's a good name for a golden retriever puppy?"}
    pair = {**prompt, "response": "How about Sunny, Maple or Biscuit?"}
    s = Server(model=tmp_path).wait_ready()
    try:
        model = requests.get(s.base + "/v1/models").json()["data"][0]
        assert (model["threshold"], model["pair_threshold"]) == (0.9, 0.1)
        assert requests.post(s.base + "/v1/score", json=prompt).json()["threshold"] == 0.9
        scored = requests.post(s.base + "/v1/score", json=pair).json()
        assert scored["threshold"] == 0.1 and scored["flagged"] == (scored["score"] >= 0.1)
        assert requests.post(s.base + "/v1/score", json={**pair, "threshold": 0.5}).json()["threshold"] == 0.5
    finally:
        assert s.stop() == 0
    s = Server("--threshold", "0.7", model=tmp_path).wait_ready()
    try:
        assert requests.post(s.base + "/v1/score", json=pair).json()["threshold"] == 0.7
        assert requests.get(s.base + "/v1/models").json()["data"][0]["pair_threshold"] == 0.7
    finally:
        assert s.stop() == 0
