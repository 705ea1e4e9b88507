"""Check the learner's host before a demo starts, and report every problem at once."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from typing import Callable, List, NamedTuple, Optional, Sequence

from demos.settings import Settings


class Problem(NamedTuple):
    tool: str
    detail: str
    macos: str
    linux: str


HINTS = {
    "docker": (
        "install Docker Desktop for your chip (Apple silicon or Intel) from "
        "https://docs.docker.com/desktop/setup/install/mac-install/ "
        "or run `brew install --cask docker`, then start Docker Desktop",
        "install Docker Engine (https://docs.docker.com/engine/install/ or "
        "`sudo apt-get install docker.io`), then `sudo usermod -aG docker $USER` "
        "and log in again",
    ),
    "minikube": (
        "`brew install minikube` (Homebrew under /opt/homebrew installs the arm64 "
        "build on Apple silicon; on Intel it installs the amd64 build)",
        "download minikube-linux-amd64 or minikube-linux-arm64 as shown on "
        "https://minikube.sigs.k8s.io/docs/start/ and "
        "`sudo install minikube-linux-* /usr/local/bin/minikube`",
    ),
    "kubectl": (
        "`brew install kubectl`",
        "follow https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ "
        "(or `sudo snap install kubectl --classic`)",
    ),
}

Exec = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _exec(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(argv), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(list(argv), 1, "", str(exc))


def _problem(
    tool: str, detail: str, macos: Optional[str] = None, linux: Optional[str] = None
) -> Problem:
    """Build a Problem; the install hints of ``tool`` fill in missing fixes."""
    default_macos, default_linux = HINTS[tool]
    return Problem(tool, detail, macos or default_macos, linux or default_linux)


def minor_of(version: str) -> Optional[int]:
    """Return the minor number of a version such as "v1.35.0" or "1.34"."""
    parts = version.lstrip("v").split(".")
    if len(parts) < 2:
        return None
    digits = "".join(ch for ch in parts[1] if ch.isdigit())
    return int(digits) if digits else None


def check_docker(
    settings: Settings, run: Exec, is_root: bool, system: str
) -> List[Problem]:
    if not shutil.which("docker"):
        return [_problem("docker", "docker was not found on PATH")]
    info = run(["docker", "info", "--format", "{{json .}}"])
    if info.returncode != 0:
        text = (info.stderr or info.stdout).strip().splitlines()
        reason = text[-1] if text else "no output"
        if "permission denied" in reason.lower():
            detail = (
                "docker is installed but this user may not use it "
                f"({reason}); the docker driver of minikube refuses sudo and root"
            )
            return [_problem("docker", detail, macos="start Docker Desktop and retry")]
        detail = f"docker is installed but its engine does not answer ({reason})"
        return [
            _problem(
                "docker",
                detail,
                macos="start Docker Desktop (or `colima start`) and retry",
                linux="`sudo systemctl start docker`, and check that your user is "
                "in the docker group (`id -nG`)",
            )
        ]
    problems = []
    if system == "Linux" and is_root:
        problems.append(
            _problem(
                "docker",
                "running as root: minikube's docker driver refuses root",
                macos="does not apply on macOS",
                linux="run make as a normal user: `sudo usermod -aG docker $USER`, log "
                "in again as that user, and run the demo there (not with sudo)",
            )
        )
    try:
        mem_total_mb = int(json.loads(info.stdout).get("MemTotal", 0)) // (1024 * 1024)
    except (ValueError, AttributeError):
        mem_total_mb = 0
    if mem_total_mb and mem_total_mb < settings.memory_mb:
        problems.append(
            _problem(
                "docker",
                f"Docker can use {mem_total_mb} MB of memory but the profile asks for "
                f"MEMORY={settings.memory_mb}",
                macos="raise the memory in Docker Desktop > Settings > Resources, "
                "or run with a smaller MEMORY= (at least 3072)",
                linux="Docker uses the host's memory: free some, or run with a "
                "smaller MEMORY= (at least 3072)",
            )
        )
    return problems


def check_minikube(run: Exec, system: str, arm64_host: bool) -> List[Problem]:
    path = shutil.which("minikube")
    if not path:
        return [_problem("minikube", "minikube was not found on PATH")]
    if system == "Darwin" and arm64_host:
        kind = run(["file", "-b", os.path.realpath(path)]).stdout
        if "x86_64" in kind and "arm64" not in kind:
            return [
                _problem(
                    "minikube",
                    f"{path} is an Intel (amd64) build running under Rosetta on "
                    "Apple silicon: images built with it are amd64 and pods end in "
                    "`exec format error`",
                    macos="`brew uninstall minikube` with the Intel Homebrew "
                    "(/usr/local/bin/brew), then `/opt/homebrew/bin/brew install "
                    "minikube`",
                )
            ]
    return []


def check_kubectl(settings: Settings, run: Exec) -> List[Problem]:
    if not shutil.which("kubectl"):
        return [_problem("kubectl", "kubectl was not found on PATH")]
    result = run(["kubectl", "version", "--client", "-o", "json"])
    try:
        client = json.loads(result.stdout)["clientVersion"]["gitVersion"]
    except (ValueError, KeyError):
        return []
    client_minor = minor_of(client)
    cluster_minor = minor_of(settings.kubernetes_version)
    if client_minor is None or cluster_minor is None:
        return []
    if abs(client_minor - cluster_minor) > 1:
        return [
            _problem(
                "kubectl",
                f"kubectl {client} is more than one minor version away from the "
                f"cluster's {settings.kubernetes_version} (K8S_VERSION)",
                macos="`brew upgrade kubectl` (or install the matching version)",
                linux="install the matching version from "
                "https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/",
            )
        ]
    return []


def _arm64_host(run: Exec, system: str) -> bool:
    if system != "Darwin":
        return platform.machine() in ("arm64", "aarch64")
    # hw.optional.arm64 is 1 on Apple silicon even when this process runs under Rosetta.
    return run(["sysctl", "-n", "hw.optional.arm64"]).stdout.strip() == "1"


def find_problems(settings: Settings, run: Exec = _exec) -> List[Problem]:
    system = platform.system()
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    problems = check_docker(settings, run, is_root, system)
    problems += check_minikube(run, system, _arm64_host(run, system))
    problems += check_kubectl(settings, run)
    return problems


def format_problems(problems: Sequence[Problem]) -> str:
    lines = [f"{len(problems)} prerequisite problem(s) found; nothing was started:"]
    for problem in problems:
        lines.append(f"- {problem.tool}: {problem.detail}")
        lines.append(f"    macOS: {problem.macos}")
        lines.append(f"    Linux: {problem.linux}")
    return "\n".join(lines)
