"""Kubernetes manifests: schema-valid (strict, offline, bundled schemas) for every supported Kubernetes version, and
wired correctly: probes on /health and /ready at the guard's port, hardening, resources, threads from the CPU limit,
the native sidecar, and the standalone Deployment/Service/HPA/PDB pointing at each other."""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest

from deploy_support import (
    GUARD_PORT,
    KUBERNETES_DIR,
    dockerfile_user_ids,
    load_documents,
    manifest_files,
    parse_cpu,
    parse_memory,
    pod_annotations,
    pod_labels,
    pod_spec,
    rampart_containers,
    resolve_port,
    selector_matches,
)

# Native sidecars (initContainers with restartPolicy: Always) are on by default from 1.29 (beta), GA in 1.33.
MINIMUM_KUBERNETES = "1.29.0"
KUBERNETES_VERSIONS = [MINIMUM_KUBERNETES, "1.33.0", kubernetes_validate.latest_version()]

# MiniLM-L6 fp32 weights are ~90 MB; below this a limit leaves no room for activations, tokenizer and buffers.
MINIMUM_MEMORY_LIMIT = 512 * 2**20

FILES = manifest_files()
DOCUMENTS = [(path.name, i, doc) for path in FILES for i, doc in enumerate(load_documents(path))]


def documents_of(name: str) -> list[dict]:
    return [doc for file, _, doc in DOCUMENTS if file == name]


def workloads() -> list[tuple[str, dict]]:
    return [(file, doc) for file, _, doc in DOCUMENTS if pod_spec(doc) is not None]


def guard_containers() -> list[tuple[str, dict, str, dict]]:
    """(file, workload, section, container) for every Rampart container in every manifest."""
    found = []
    for file, doc in workloads():
        for section, container in rampart_containers(pod_spec(doc)):
            found.append((file, doc, section, container))
    return found


def test_manifests_include_sidecar_and_standalone():
    names = {path.name for path in FILES}
    assert {"sidecar.yaml", "standalone.yaml"} <= names, f"found {sorted(names)} in {KUBERNETES_DIR}"
    assert len(guard_containers()) >= 2


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("file,index,doc", DOCUMENTS, ids=[f"{f}#{i}-{d['kind']}" for f, i, d in DOCUMENTS])
def test_manifest_validates_against_kubernetes_schema(file, index, doc, version):
    # strict: the schemas forbid unknown fields, so a misspelt key fails rather than being silently dropped.
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path)
        pytest.fail(f"{file} document {index} ({doc['kind']}) at {path}: {error.message}")
    except kubernetes_validate.SchemaNotFoundError as error:
        pytest.fail(f"{file} document {index}: {error.message}")


def test_schema_validation_rejects_a_misspelt_field():
    # Guards the check above: a typo in a probe name must not pass as valid.
    deployment = copy.deepcopy(documents_of("standalone.yaml")[0])
    container = pod_spec(deployment)["containers"][0]
    container["livenessProbes"] = container.pop("livenessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, MINIMUM_KUBERNETES, strict=True)


@pytest.mark.parametrize("file,workload,section,container", guard_containers(),
                         ids=[f"{f}:{c['name']}" for f, _, _, c in guard_containers()])
class TestGuardContainer:
    def test_probes_point_at_health_and_ready_on_the_guard_port(self, file, workload, section, container):
        expected = {"startupProbe": "/ready", "readinessProbe": "/ready", "livenessProbe": "/health"}
        for probe, path in expected.items():
            assert probe in container, f"{file}: {container['name']} has no {probe}"
            get = container[probe]["httpGet"]
            assert get["path"] == path, f"{file}: {probe} checks {get['path']}, not {path}"
            assert resolve_port(container, get["port"]) == GUARD_PORT, \
                f"{file}: {probe} port {get['port']!r} is not the container's port {GUARD_PORT}"

    def test_startup_probe_allows_time_to_load_the_model(self, file, workload, section, container):
        probe = container["startupProbe"]
        budget = probe.get("periodSeconds", 10) * probe.get("failureThreshold", 3)
        assert budget >= 60, f"{file}: startup budget {budget}s is too short to load and warm the model"

    def test_security_context_is_hardened(self, file, workload, section, container):
        context = container.get("securityContext", {})
        pod_context = pod_spec(workload).get("securityContext", {})
        assert context.get("runAsNonRoot") is True
        assert context.get("readOnlyRootFilesystem") is True
        assert context.get("allowPrivilegeEscalation") is False
        assert "ALL" in context.get("capabilities", {}).get("drop", [])
        seccomp = context.get("seccompProfile") or pod_context.get("seccompProfile") or {}
        assert seccomp.get("type") == "RuntimeDefault"
        uid, gid = dockerfile_user_ids()
        assert context.get("runAsUser", uid) == uid, "runAsUser disagrees with the image's USER"
        if gid is not None:
            assert context.get("runAsGroup", gid) == gid, "runAsGroup disagrees with the image's USER"

    def test_read_only_root_has_writable_tmp(self, file, workload, section, container):
        volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
        tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
        assert tmp and "emptyDir" in volumes[tmp[0]["name"]]

    def test_resources_request_and_limit_cpu_and_memory(self, file, workload, section, container):
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources[kind].keys(), f"{file}: {kind} lacks cpu or memory"
        assert parse_cpu(resources["limits"]["cpu"]) == pytest.approx(2.0)
        assert parse_memory(resources["limits"]["memory"]) >= MINIMUM_MEMORY_LIMIT
        assert parse_memory(resources["requests"]["memory"]) <= parse_memory(resources["limits"]["memory"])

    def test_threads_follow_the_cpu_limit(self, file, workload, section, container):
        env = {e["name"]: e for e in container.get("env", [])}
        ref = env["RAMPART_THREADS"]["valueFrom"]["resourceFieldRef"]
        assert ref["resource"] == "limits.cpu" and ref["containerName"] == container["name"]
        assert str(ref.get("divisor", "1")) == "1"

    def test_environment_agrees_with_the_container_port(self, file, workload, section, container):
        ports = [p["containerPort"] for p in container["ports"]]
        assert ports == [GUARD_PORT]
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        assert env.get("RAMPART_PORT", str(GUARD_PORT)) == str(GUARD_PORT)
        assert all(name.startswith("RAMPART_") for name in env), "unexpected non-RAMPART_ configuration"

    def test_api_keys_file_is_mounted_from_a_secret(self, file, workload, section, container):
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        keys_file = env.get("RAMPART_API_KEYS_FILE")
        if keys_file is None:
            assert file == "sidecar.yaml", f"{file}: a network-exposed guard must require API keys"
            return
        volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
        mounts = [m for m in container.get("volumeMounts", [])
                  if keys_file.startswith(m["mountPath"].rstrip("/") + "/")]
        assert mounts, f"{file}: {keys_file} is not under any volumeMount"
        assert "secret" in volumes[mounts[0]["name"]], f"{file}: API keys must come from a Secret"
        assert mounts[0].get("readOnly") is True


def test_guard_image_is_the_same_everywhere():
    images = {c["image"] for _, _, _, c in guard_containers()}
    assert len(images) == 1, f"manifests disagree on the guard image: {sorted(images)}"
    assert not next(iter(images)).endswith(":latest")


# ----- sidecar --------------------------------------------------------------------------------------------------------

def test_sidecar_is_a_native_sidecar_next_to_the_llm():
    (file, workload, section, container), = [g for g in guard_containers() if g[0] == "sidecar.yaml"]
    assert section == "initContainers" and container.get("restartPolicy") == "Always"
    main = pod_spec(workload)["containers"]
    assert main and all(c["name"] != container["name"] for c in main), "the LLM container is missing"


def test_sidecar_llm_reaches_the_guard_on_loopback():
    (_, workload, _, _), = [g for g in guard_containers() if g[0] == "sidecar.yaml"]
    values = [e.get("value", "") for c in pod_spec(workload)["containers"] for e in c.get("env", [])]
    assert f"http://127.0.0.1:{GUARD_PORT}" in values


def test_sidecar_service_does_not_publish_the_guard():
    for service in [d for d in documents_of("sidecar.yaml") if d["kind"] == "Service"]:
        ports = {p.get("targetPort") for p in service["spec"]["ports"]} | {p["port"] for p in service["spec"]["ports"]}
        assert GUARD_PORT not in ports and "guard-http" not in ports


# ----- standalone -----------------------------------------------------------------------------------------------------

def standalone(kind: str) -> dict:
    found = [d for d in documents_of("standalone.yaml") if d["kind"] == kind]
    assert len(found) == 1, f"standalone.yaml must hold exactly one {kind}"
    return found[0]


def test_standalone_service_selects_the_pods_and_targets_the_guard_port():
    deployment, service = standalone("Deployment"), standalone("Service")
    assert selector_matches(service["spec"]["selector"], pod_labels(deployment))
    container = rampart_containers(pod_spec(deployment))[0][1]
    for port in service["spec"]["ports"]:
        assert resolve_port(container, port.get("targetPort", port["port"])) == GUARD_PORT


def test_standalone_deployment_selector_matches_its_template():
    deployment = standalone("Deployment")
    assert selector_matches(deployment["spec"]["selector"]["matchLabels"], pod_labels(deployment))


def test_standalone_autoscaler_scales_the_deployment_on_cpu():
    deployment, hpa = standalone("Deployment"), standalone("HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    cpu = [m for m in hpa["spec"]["metrics"] if m["type"] == "Resource" and m["resource"]["name"] == "cpu"]
    assert cpu and 0 < cpu[0]["resource"]["target"]["averageUtilization"] <= 100
    assert {"scaleUp", "scaleDown"} <= hpa["spec"]["behavior"].keys()


def test_standalone_disruption_budget_covers_the_pods_and_allows_drains():
    deployment, pdb, hpa = standalone("Deployment"), standalone("PodDisruptionBudget"), standalone(
        "HorizontalPodAutoscaler")
    assert selector_matches(pdb["spec"]["selector"]["matchLabels"], pod_labels(deployment))
    if "minAvailable" in pdb["spec"]:
        assert int(pdb["spec"]["minAvailable"]) < hpa["spec"]["minReplicas"], "a drain could never evict a pod"
    else:
        assert int(pdb["spec"]["maxUnavailable"]) >= 1


def test_standalone_prometheus_scrapes_the_metrics_endpoint():
    annotations = pod_annotations(standalone("Deployment"))
    assert annotations.get("prometheus.io/scrape") == "true"
    assert annotations.get("prometheus.io/port") == str(GUARD_PORT)
    assert annotations.get("prometheus.io/path") == "/metrics"


def test_standalone_spreads_replicas_across_topology():
    deployment = standalone("Deployment")
    constraints = pod_spec(deployment).get("topologySpreadConstraints", [])
    keys = {c["topologyKey"] for c in constraints}
    assert {"kubernetes.io/hostname", "topology.kubernetes.io/zone"} <= keys
    for constraint in constraints:
        assert selector_matches(constraint["labelSelector"]["matchLabels"], pod_labels(deployment))


def test_standalone_rollout_keeps_capacity():
    rolling = standalone("Deployment")["spec"]["strategy"]["rollingUpdate"]
    assert rolling["maxUnavailable"] == 0 and rolling["maxSurge"] >= 1
