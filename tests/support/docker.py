"""Run the Docker CLI for the container tier: engine check, builds and containers.

Builds and containers use host networking (``--network host``), because the engine
the tier starts runs with ``--bridge=none --iptables=false`` and no registry or
container network is available. Containers bind 127.0.0.1 ports only. Host
networking exists on Linux only, so the tier skips elsewhere.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.tools import require, require_tool

# Every container the tier starts carries this label, so leftovers can be found.
CONTAINER_LABEL = "k8s-demo-test.container=1"
BUILD_TIMEOUT_S = 900
COMMAND_TIMEOUT_S = 120
# Proxy variables are build arguments that docker build accepts without an ARG line.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")
_container_numbers = itertools.count(1)


def run_docker(
    *args: str, timeout_s: float = COMMAND_TIMEOUT_S, check: bool = True
) -> subprocess.CompletedProcess:
    """Run ``docker ARGS`` and return the finished process with text output."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout_s
    )
    if check and done.returncode != 0:
        raise RuntimeError(
            f"docker {' '.join(args)} failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def require_docker() -> None:
    """Skip (locally) or fail (in CI) unless `docker info` reaches a Linux engine."""
    require(
        sys.platform.startswith("linux"),
        f"the container tier needs Linux for docker --network host "
        f"(this is {sys.platform})",
    )
    require_tool("docker", "install Docker (Debian package docker.io)")
    info = run_docker("info", "--format", "{{.ServerVersion}}", check=False)
    require(
        info.returncode == 0,
        "`docker info` failed, so no Docker engine is running; start one with "
        f".ci/start-dockerd (as root): {info.stderr.strip()[-300:]}",
    )


def image_exists(tag: str) -> bool:
    return run_docker("image", "inspect", tag, check=False).returncode == 0


def inspect_image(tag: str) -> dict:
    return json.loads(run_docker("image", "inspect", tag).stdout)[0]


def image_label(tag: str, label: str) -> str | None:
    if not image_exists(tag):
        return None
    return (inspect_image(tag)["Config"].get("Labels") or {}).get(label)


def import_rootfs(rootfs: Path, tag: str, changes: list[str]) -> None:
    """Import the directory ``rootfs`` as image ``tag`` with Dockerfile ``changes``."""
    change_args = [arg for change in changes for arg in ("--change", change)]
    tar = subprocess.Popen(
        ["tar", "-C", str(rootfs), "--numeric-owner", "-c", "."],
        stdout=subprocess.PIPE,
    )
    try:
        done = subprocess.run(
            ["docker", "import", *change_args, "-", tag],
            stdin=tar.stdout,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
    finally:
        tar.stdout.close()
        tar.wait()
    if tar.returncode != 0 or done.returncode != 0:
        raise RuntimeError(
            f"import of {rootfs} as {tag} failed (tar exit {tar.returncode}, "
            f"docker import exit {done.returncode}): {done.stderr.strip()}"
        )


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    size_bytes: int
    build_s: float


def build_image(
    context: Path, tag: str, build_args: dict[str, str] | None = None
) -> BuiltImage:
    """Build ``context`` (with its Dockerfile) as ``tag`` on the host network."""
    args = ["build", "--network", "host", "--tag", tag]
    forwarded = {
        name: os.environ[name] for name in PROXY_VARIABLES if name in os.environ
    }
    for name, value in {**forwarded, **(build_args or {})}.items():
        args += ["--build-arg", f"{name}={value}"]
    started = time.monotonic()
    done = run_docker(*args, str(context), timeout_s=BUILD_TIMEOUT_S, check=False)
    build_s = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"docker build of {context} as {tag} failed (exit {done.returncode}); "
            f"last output:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return BuiltImage(tag=tag, size_bytes=inspect_image(tag)["Size"], build_s=build_s)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Container:
    """A detached container on the host network, removed by :meth:`remove`."""

    image: str
    env: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)
    name: str = ""

    def start(self) -> Container:
        short = self.image.split("/")[-1].split(":")[0]
        self.name = f"k8s-demo-test-{short}-{os.getpid()}-{next(_container_numbers)}"
        env_args = [arg for item in self.env.items() for arg in ("-e", "=".join(item))]
        run_docker(
            "run", "--detach", "--name", self.name, "--label", CONTAINER_LABEL,
            "--network", "host", *env_args, *self.options, self.image, *self.command,
        )  # fmt: skip
        return self

    def state(self) -> dict:
        return json.loads(run_docker("inspect", self.name).stdout)[0]["State"]

    def logs(self) -> str:
        done = run_docker("logs", self.name)
        return done.stdout + done.stderr

    def exec(self, *command: str) -> str:
        return run_docker("exec", self.name, *command).stdout

    def exec_status(self, *command: str) -> int:
        return run_docker("exec", self.name, *command, check=False).returncode

    def wait(self, timeout_s: float) -> int:
        """Wait until the container exits; return its exit code."""
        return int(run_docker("wait", self.name, timeout_s=timeout_s).stdout)

    def stop(self, grace_s: int) -> tuple[int, float]:
        """Send SIGTERM (SIGKILL after ``grace_s``); return exit code and seconds."""
        started = time.monotonic()
        run_docker("stop", "-t", str(grace_s), self.name, timeout_s=grace_s + 60)
        stop_s = time.monotonic() - started
        return self.state()["ExitCode"], stop_s

    def remove(self) -> None:
        if self.name:
            run_docker("rm", "--force", "--volumes", self.name, check=False)
