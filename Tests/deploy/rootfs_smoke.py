#!/usr/bin/env python3
"""Runs the Dockerfile's runtime stage without a Docker engine: a debootstrap'ed Debian root filesystem stands in for
the runtime base image, the stage's own RUN lines are executed in it (read from the Dockerfile, not copied), COPY and
ENV, USER and WORKDIR are applied, and the given binary is started there as the image would start it.

    swift build -c release --product rampart --static-swift-stdlib -Xlinker -lcurl
    sudo python3 Tests/deploy/rootfs_smoke.py --binary .build/release/rampart [--base-cache /tmp/bookworm-minbase.tar]

It checks that the binary's shared libraries resolve in the runtime image, that it runs as the image's non-root user,
and, once `rampart serve` exists, that the server answers /health and /ready and that the image's HEALTHCHECK command
passes. Needs root (chroot, mount), debootstrap, and Debian's archive; not part of the offline pytest suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deploy_support import REPO, copy_sources, is_from_stage, parse_stages  # noqa: E402

MIRROR = "http://deb.debian.org/debian"


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(command)[:200], flush=True)
    return subprocess.run(command, text=True, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backtracer() -> Path:
    swift = Path(shutil.which("swift") or "/usr/bin/swift").resolve()
    return swift.parent.parent / "libexec" / "swift" / "linux" / "swift-backtrace-static"


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, type=Path, help="rampart built with --static-swift-stdlib")
    parser.add_argument("--base-cache", type=Path,
                        help="tarball of the pristine debootstrap result: created on first use, unpacked after")
    parser.add_argument("--ready-timeout", type=float, default=180, help="seconds to wait for /ready")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("rootfs_smoke: needs root (chroot, mount)")

    final = parse_stages()[-1]
    if not final.base.startswith("debian:bookworm"):
        sys.exit(f"rootfs_smoke: runtime base {final.base} is not debian:bookworm*; cannot stand in for it")
    # Always a fresh root filesystem: the stage's RUN lines (useradd...) are not idempotent.
    rootfs = Path(tempfile.mkdtemp(prefix="rampart-rootfs-"))
    if args.base_cache and args.base_cache.exists():
        run(["tar", "-xpf", str(args.base_cache), "-C", str(rootfs)], check=True)
    else:
        # minbase is the variant the official debian:*-slim images are built from.
        if run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), MIRROR]).returncode != 0:
            sys.exit("rootfs_smoke: debootstrap failed")
        if args.base_cache:
            run(["tar", "-cpf", str(args.base_cache), "-C", str(rootfs), "."], check=True)
    rootfs.chmod(0o755)  # it becomes "/": mkdtemp's 0700 would lock the non-root user out of everything

    checks = Checks()
    shutil.copy("/etc/resolv.conf", rootfs / "etc" / "resolv.conf")
    run(["mount", "-t", "proc", "proc", str(rootfs / "proc")], check=True)
    server = None
    try:
        for command in final.commands("RUN"):
            result = run(["chroot", str(rootfs), "/bin/sh", "-c", "set -e; " + " ".join(command.value)])
            checks.check(f"RUN at Dockerfile line {command.start_line}", result.returncode == 0)

        for copy in final.commands("COPY"):
            destination = rootfs / copy.value[-1].lstrip("/")
            if is_from_stage(copy):
                # The build stage's /staging/bin/: the binary and the backtracer.
                destination.mkdir(parents=True, exist_ok=True)
                shutil.copy2(args.binary, destination / "rampart")
                shutil.copy2(backtracer(), destination / "swift-backtrace-static")
            else:
                for source in copy_sources(copy):
                    shutil.copytree(REPO / source, destination, dirs_exist_ok=True)

        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent"}
        env.update(final.env())
        user = final.commands("USER")[-1].value[0]
        workdir = final.commands("WORKDIR")[-1].value[0]
        entrypoint = list(final.commands("ENTRYPOINT")[-1].value)
        cmd = list(final.commands("CMD")[-1].value)

        def in_image(argv: list[str], extra_env: dict[str, str] | None = None, background: bool = False):
            """Runs argv as the image would: its USER, WORKDIR and ENV only (every exec keeps the PID)."""
            assignments = [f"{k}={v}" for k, v in {**env, **(extra_env or {})}.items()]
            wrapped = ["chroot", f"--userspec={user}", str(rootfs), "/usr/bin/env", "-i", *assignments,
                       "/bin/sh", "-c", f'cd {workdir} && exec "$@"', "sh", *argv]
            if background:
                return subprocess.Popen(wrapped, text=True)
            return subprocess.run(wrapped, text=True, capture_output=True)

        ldd = subprocess.run(["chroot", str(rootfs), "ldd", f"/usr/local/bin/{entrypoint[0]}"],
                             text=True, capture_output=True)
        checks.check("shared libraries resolve in the runtime image",
                     ldd.returncode == 0 and "not found" not in ldd.stdout, ldd.stdout + ldd.stderr)
        whoami = in_image(["id", "-u"])
        checks.check("runs as a non-root user", whoami.stdout.strip() not in ("", "0"), whoami.stdout)
        helped = in_image(entrypoint + ["--help"])
        checks.check(f"{' '.join(entrypoint)} --help", helped.returncode == 0, helped.stdout + helped.stderr)

        if not re.search(rf"^\s+{re.escape(cmd[0])}\b", helped.stdout, re.MULTILINE):
            print(f"SKIP: `{' '.join(entrypoint + cmd[:1])}` does not exist in this binary yet; server not started")
        else:
            port = free_port()
            server = in_image(entrypoint + cmd, {"RAMPART_PORT": str(port)}, background=True)
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + args.ready_timeout
            health = ready = None
            while time.monotonic() < deadline and server.poll() is None and ready != 200:
                health, ready = http_status(base + "/health"), http_status(base + "/ready")
                time.sleep(1)
            checks.check("/health answers 200", health == 200, f"got {health}")
            checks.check("/ready answers 200", ready == 200, f"got {ready}")
            probe = list(final.commands("HEALTHCHECK")[-1].value)
            probe = probe[1:] if probe[0] == "CMD" else probe
            healthcheck = in_image(probe, {"RAMPART_PORT": str(port)})
            checks.check("the image's HEALTHCHECK passes", healthcheck.returncode == 0,
                         healthcheck.stdout + healthcheck.stderr)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        run(["umount", str(rootfs / "proc")])
        shutil.rmtree(rootfs, ignore_errors=True)

    print(f"rootfs smoke: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
