"""The README's curl examples, run verbatim against a live server (only the port is changed)."""
import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT


def readme_curl_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## API by example", 1)[1]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        joined = block.replace("\\\n", " ")
        commands += [line.strip() for line in joined.splitlines() if line.strip().startswith("curl ")]
    return commands


def test_readme_has_curl_examples_for_every_route():
    commands = " ".join(readme_curl_commands())
    for route in ("/v1/score", "/v1/moderations", "/v1/models", "/health", "/ready", "/metrics", "/openapi.json"):
        assert route in commands, route


@pytest.mark.parametrize("command", readme_curl_commands())
def test_readme_curl_example(server, command):
    assert shutil.which("curl"), "curl is required (Deploy/scripts/setup.sh installs it)"
    command = command.replace("127.0.0.1:8080", f"127.0.0.1:{server.port}")
    result = subprocess.run(["bash", "-c", command + " -w '\\n%{http_code}'"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition("\n")
    assert status == "200", (command, result.stdout)
    if "/metrics" not in command:
        json.loads(body)
