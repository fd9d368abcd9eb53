"""Deploy/compose.yaml: valid under the Compose Specification's JSON schema (bundled by check-jsonschema, so no
network), building from the repository's Dockerfile, publishing the guard port, and checking health."""

from __future__ import annotations

import copy
import importlib.resources
import json

import jsonschema
import pytest
import yaml

from deploy_support import COMPOSE_FILE, GUARD_PORT, REPO, dockerfile_user_ids


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema_file = importlib.resources.files("check_jsonschema").joinpath("builtin_schemas/vendor/compose-spec.json")
    schema = json.loads(schema_file.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@pytest.fixture(scope="module")
def service(compose) -> dict:
    assert "rampart" in compose["services"], "compose.yaml must define a 'rampart' service"
    return compose["services"]["rampart"]


def test_compose_validates_against_compose_spec(compose, validator):
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_compose_schema_rejects_a_misspelt_service_key(compose, validator):
    # Guards the check above against a schema that accepts anything.
    broken = copy.deepcopy(compose)
    broken["services"]["rampart"]["healthchek"] = broken["services"]["rampart"].pop("healthcheck")
    assert list(validator.iter_errors(broken))


def test_build_uses_the_repository_dockerfile(service):
    build = service["build"]
    context = (COMPOSE_FILE.parent / build["context"]).resolve()
    assert context == REPO, f"build context {context} is not the repository root"
    assert (context / build.get("dockerfile", "Dockerfile")).is_file()


def test_ports_publish_the_guard_port(service):
    published = []
    for port in service["ports"]:
        if isinstance(port, dict):
            published.append(int(port["target"]))
        else:
            published.append(int(str(port).split(":")[-1].split("/")[0]))
    assert GUARD_PORT in published


def test_healthcheck_probes_the_server(service):
    test = service["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert f"127.0.0.1:{GUARD_PORT}/ready" in command or f"127.0.0.1:{GUARD_PORT}/health" in command


def test_environment_is_rampart_configuration(service):
    environment = service["environment"]
    names = environment.keys() if isinstance(environment, dict) else [e.split("=")[0] for e in environment]
    assert names and all(name.startswith("RAMPART_") for name in names)


def test_service_is_hardened(service):
    uid, gid = dockerfile_user_ids()
    assert service["user"] == (f"{uid}:{gid}" if gid is not None else str(uid))
    assert service["read_only"] is True
    assert "ALL" in service["cap_drop"]
    assert "no-new-privileges:true" in service["security_opt"]

