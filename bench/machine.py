"""Description of the machine and the software versions behind a run."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional

PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "httptools",
    "uvloop",
    "arq",
    "redis",
    "hiredis",
)


def read_text(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def command_output(argv: List[str]) -> Optional[str]:
    if shutil.which(argv[0]) is None:
        return None
    finished = subprocess.run(argv, capture_output=True, text=True, check=False)
    text = (finished.stdout or finished.stderr).strip()
    return text.splitlines()[0] if text else None


def cpu_model() -> str:
    for line in read_text("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return command_output(["sysctl", "-n", "machdep.cpu.brand_string"]) or (
        platform.processor() or platform.machine()
    )


def memory_gib() -> Optional[float]:
    for line in read_text("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    output = command_output(["sysctl", "-n", "hw.memsize"])
    return int(output) / 1024**3 if output and output.isdigit() else None


def os_name() -> str:
    for line in read_text("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return (
                f"{line.split('=', 1)[1].strip(chr(34))}, kernel {platform.release()}"
            )
    return platform.platform()


def package_versions() -> Dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe_machine() -> Dict[str, str]:
    memory = memory_gib()
    load_1m, load_5m, _ = os.getloadavg()
    return {
        "CPU": f"{cpu_model()} ({platform.machine()})",
        "Cores": str(os.cpu_count()),
        "Memory": f"{memory:.1f} GiB" if memory else "unknown",
        "OS": os_name(),
        "Python": platform.python_version(),
        "Packages": ", ".join(
            f"{name} {version}" for name, version in package_versions().items()
        ),
        "redis-server": command_output(["redis-server", "--version"]) or "not found",
        "wrk": (command_output(["wrk", "--version"]) or "not found").split(
            " Copyright"
        )[0],
        "Load average at start (1 min, 5 min)": f"{load_1m:.2f}, {load_5m:.2f}",
    }
