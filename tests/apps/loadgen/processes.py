"""Real processes for the loadgen tests: `python -m web` servers and locust runs."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from demos.hpa.formula import count_requests

ROOT = Path(__file__).resolve().parents[3]
WEB_DIR = ROOT / "apps" / "web"
LOADGEN_DIR = ROOT / "apps" / "loadgen"
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0
# locust's own start-up and shutdown, on top of LOAD_DURATION.
RUN_MARGIN_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(python_path: Path, **extra: str) -> Dict[str, str]:
    """Return os.environ without LOAD_*/web settings, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LOAD_") and k not in ("PORT", "HOST", "POD_NAME")
    }
    env["PYTHONPATH"] = str(python_path)
    env.update(extra)
    return env


class WebServer:
    """One `python -m web` process on a loopback port, standing in for a pod."""

    def __init__(self, pod_name: str, log_dir: Path) -> None:
        self.pod_name = pod_name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{pod_name}.log"
        env = clean_env(
            WEB_DIR,
            HOST="127.0.0.1",
            PORT=str(self.port),
            POD_NAME=pod_name,
            SHUTDOWN_DRAIN_S="0",
        )
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web"],
                cwd=WEB_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        """Poll /readyz until it returns 200; raise naming the log on failure."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(
            f"web {self.pod_name} not ready within {STARTUP_TIMEOUT_S} s:\n"
            + self.log_path.read_text(errors="replace")
        )

    def cpu_requests(self) -> Optional[float]:
        """Return the pod's GET /cpu count from its /metrics, as the demo reads it."""
        text = httpx.get(f"{self.url}/metrics", timeout=5.0).text
        return count_requests(text)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_servers(names: List[str], log_dir: Path) -> List[WebServer]:
    servers = [WebServer(name, log_dir) for name in names]
    try:
        for server in servers:
            server.wait_ready()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def loadgen_command(target_url: str, csv_prefix: Path, **knobs: str):
    """Return (argv, env) of a `python -m loadgen` run against ``target_url``."""
    env = clean_env(
        LOADGEN_DIR,
        TARGET_URL=target_url,
        LOAD_CSV_PREFIX=str(csv_prefix),
        POD_NAME="loadgen-test",
        **knobs,
    )
    return [sys.executable, "-m", "loadgen"], env


def run_loadgen(
    target_url: str, csv_prefix: Path, **knobs: str
) -> subprocess.CompletedProcess:
    """Run locust headless to the end and return its exit code and output."""
    argv, env = loadgen_command(target_url, csv_prefix, **knobs)
    duration_s = float(knobs.get("LOAD_DURATION", "240"))
    return subprocess.run(
        argv,
        cwd=LOADGEN_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=duration_s + RUN_MARGIN_S,
    )


def read_rows(path: Path) -> List[Dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def aggregated_stats(csv_prefix: Path) -> Dict[str, str]:
    """Return the "Aggregated" row of locust's <prefix>_stats.csv."""
    rows = read_rows(Path(f"{csv_prefix}_stats.csv"))
    return next(row for row in rows if row["Name"] == "Aggregated")


def pod_counts(csv_prefix: Path) -> Dict[str, int]:
    """Return the loadgen's <prefix>_pods.csv as {pod: requests}."""
    rows = read_rows(Path(f"{csv_prefix}_pods.csv"))
    return {row["pod"]: int(row["requests"]) for row in rows}
