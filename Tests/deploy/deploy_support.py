"""Shared helpers for the deployment checks: repository paths, the parsed Dockerfile, Kubernetes object walking.

Nothing here touches the network: the Dockerfile is parsed with BuildKit's parser (the `dockerfile` package), YAML
with PyYAML, and schemas come from packages that bundle them (see requirements.txt).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import dockerfile
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
KUBERNETES_DIR = REPO / "Deploy" / "kubernetes"
COMPOSE_FILE = REPO / "Deploy" / "compose.yaml"
MODEL_DIR = REPO / "Models" / "rampart-guard-minilm"

# The files a Rampart model directory holds (architecture config, weights, tokenizer, Rampart's own metadata).
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "rampart.json")

# The port the server listens on inside the container (EXPOSE in the Dockerfile, RAMPART_PORT in the image).
GUARD_PORT = 8080

# Debian -dev package (build stage) -> the runtime library packages that satisfy it (runtime stage). OpenBLAS: the
# -dev metapackage selects the pthread variant by default; the bare libopenblas0 metapackage also pulls one variant.
DEV_TO_RUNTIME: dict[str, frozenset[str]] = {
    "libopenblas-dev": frozenset({"libopenblas0-pthread", "libopenblas0"}),
    "libnghttp2-dev": frozenset({"libnghttp2-14"}),
    "zlib1g-dev": frozenset({"zlib1g"}),
    "libcurl4-openssl-dev": frozenset({"libcurl4"}),
}


@dataclass
class Stage:
    """One FROM ... section of the Dockerfile."""

    base: str
    name: str | None
    instructions: list[dockerfile.Command] = field(default_factory=list)

    def commands(self, cmd: str) -> list[dockerfile.Command]:
        return [c for c in self.instructions if c.cmd.upper() == cmd.upper()]

    def apt_installs(self) -> list[str]:
        """Package names passed to `apt-get install` in this stage's RUN instructions."""
        packages: list[str] = []
        for run in self.commands("RUN"):
            packages += apt_install_packages(" ".join(run.value))
        return packages

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for env in self.commands("ENV"):
            pairs = env.value
            values.update(dict(zip(pairs[0::2], pairs[1::2])))
        return values


def parse_stages(path: Path = DOCKERFILE) -> list[Stage]:
    stages: list[Stage] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd.upper() == "FROM":
            words = list(command.value)
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append(command)
    return stages


def apt_install_packages(script: str) -> list[str]:
    """Package names in every `apt-get install` (or `apt install`) segment of a shell script, options dropped."""
    packages: list[str] = []
    for segment in re.split(r"&&|;|\|\|", script):
        words = shlex.split(segment, comments=False)
        for i, word in enumerate(words):
            if word in ("apt-get", "apt") and "install" in words[i + 1:]:
                after = words[words.index("install", i + 1) + 1:]
                packages += [w.split("=")[0] for w in after if not w.startswith("-")]
                break
    return packages


def copy_sources(command: dockerfile.Command) -> list[str]:
    """The source operands of a COPY/ADD (all values but the last, the destination)."""
    values = list(command.value)
    return values[:-1]


def is_from_stage(command: dockerfile.Command) -> bool:
    return any(flag.startswith("--from=") for flag in command.flags)


def dockerignore_patterns(path: Path = DOCKERIGNORE) -> list[tuple[bool, re.Pattern[str]]]:
    """(is_exception, regex) per .dockerignore line, following Docker's rules: paths are cleaned (no leading or
    trailing '/'), '**' spans directories, '*' and '?' do not cross '/', '!' re-includes."""
    patterns: list[tuple[bool, re.Pattern[str]]] = []
    if not path.exists():
        return patterns
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:] if exception else line
        pattern = pattern.strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        patterns.append((exception, re.compile(f"^{regex}$")))
    return patterns


def is_dockerignored(relative: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether Docker leaves `relative` (a path inside the context) out of the build context: the last pattern that
    matches the path or one of its parent directories decides."""
    parts = relative.strip("/").split("/")
    excluded = False
    for depth in range(1, len(parts) + 1):
        candidate = "/".join(parts[:depth])
        for exception, regex in patterns:
            if regex.match(candidate):
                excluded = not exception
    return excluded


def expand_source(source: str) -> list[Path]:
    """Context paths a COPY source names (Docker's sources are globs relative to the context root)."""
    if any(ch in source for ch in "*?["):
        return sorted(REPO.glob(source.lstrip("/")))
    return [REPO / source.lstrip("/")]


# ----- Kubernetes ----------------------------------------------------------------------------------------------------

def manifest_files() -> list[Path]:
    return sorted(KUBERNETES_DIR.glob("*.yaml")) + sorted(KUBERNETES_DIR.glob("*.yml"))


def load_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec inside a workload object, or None for objects that carry none."""
    kind = obj.get("kind")
    if kind == "Pod":
        return obj["spec"]
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return obj["spec"]["template"]["spec"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    return obj["spec"]["template"]["metadata"].get("labels", {})


def pod_annotations(obj: dict[str, Any]) -> dict[str, str]:
    return obj["spec"]["template"]["metadata"].get("annotations", {})


def image_repository(image: str) -> str:
    """'registry.example.com/team/rampart:0.1.0' -> 'rampart'."""
    last = image.split("/")[-1]
    return last.split("@")[0].split(":")[0]


def all_containers(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for section in ("initContainers", "containers"):
        for container in spec.get(section, []) or []:
            yield section, container


def rampart_containers(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(s, c) for s, c in all_containers(spec) if image_repository(c["image"]) == "rampart"]


def resolve_port(container: dict[str, Any], port: int | str) -> int | None:
    """A probe or Service port (number or name) as the container port number it refers to."""
    for declared in container.get("ports", []) or []:
        if port == declared.get("name") or port == declared["containerPort"]:
            return declared["containerPort"]
    return None


def parse_cpu(quantity: str | int | float) -> float:
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def parse_memory(quantity: str | int) -> int:
    text = str(quantity)
    for suffix in sorted(_MEMORY_UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * _MEMORY_UNITS[suffix])
    return int(float(text))


def selector_matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def dockerfile_user_ids() -> tuple[int, int | None]:
    """The numeric UID (and GID, if given) of the final stage's USER."""
    final = parse_stages()[-1]
    user = final.commands("USER")[-1].value[0]
    uid, _, gid = user.partition(":")
    return int(uid), int(gid) if gid else None
