"""Run Redis, the IPC demo's API and a worker on this machine, without Kubernetes.

    make run-ipc    (or: .venv/bin/python -m demos.ipc.local)

Needs redis-server on PATH and the apps' virtual environment (`make setup`).
Redis keeps its data in a temporary directory that is deleted on exit, so every
run starts with an empty queue. Ctrl-C stops all processes. Knobs: REDIS_PORT
(6379), API_PORT (8080), WORKERS (1).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_S = 30
# Above the worker's JOB_COMPLETION_WAIT_S (20 s by default).
STOP_TIMEOUT_S = 25


class LocalError(RuntimeError):
    """Something the local mode needs is missing; the message names the fix."""


def port_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise LocalError(f"{name}={raw!r} is invalid: set it to a port number")
    port = int(raw)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError as error:
            raise LocalError(
                f"port {port} on {HOST} is in use ({error}); stop what listens "
                f"there or choose another with {name}=<port>"
            ) from None
    return port


def workers_from_env() -> int:
    raw = os.environ.get("WORKERS") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise LocalError(f"WORKERS={raw!r} is invalid: set it to a positive number")
    return int(raw)


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def api_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


class LocalStack:
    def __init__(self, redis_port: int, api_port: int, workers: int) -> None:
        self.redis_port = redis_port
        self.api_port = api_port
        self.workers = workers
        self.data_dir = tempfile.mkdtemp(prefix="ipc-local-")
        self.processes: List[subprocess.Popen] = []

    def start(self, name: str, argv: List[str], env: Dict[str, str]) -> None:
        print(f"starting {name}: {' '.join(argv)}", flush=True)
        process = subprocess.Popen(
            argv, env=dict(os.environ, **env), start_new_session=True
        )
        self.processes.append(process)

    def wait(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready():
            exited = [p for p in self.processes if p.poll() is not None]
            if exited:
                raise LocalError(f"{exited[0].args[0]} exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise LocalError(
                    f"timed out after {START_TIMEOUT_S} s waiting for {what}"
                )
            time.sleep(0.1)

    def up(self) -> None:
        redis_url = f"redis://{HOST}:{self.redis_port}/0"
        self.start(
            "redis-server",
            ["redis-server", "--bind", HOST, "--port", str(self.redis_port),
             "--dir", self.data_dir, "--appendonly", "yes", "--save", ""],
            {},
        )  # fmt: skip
        self.wait("Redis to answer PING", lambda: redis_answers(self.redis_port))
        self.start(
            "the API",
            [sys.executable, "-m", "api"],
            {"PYTHONPATH": str(ROOT / "apps" / "api"), "REDIS_URL": redis_url,
             "HOST": HOST, "PORT": str(self.api_port), "POD_NAME": "local-api"},
        )  # fmt: skip
        for number in range(1, self.workers + 1):
            files = os.path.join(self.data_dir, f"worker-{number}")
            self.start(
                f"worker {number}",
                [sys.executable, "-m", "worker"],
                {"PYTHONPATH": str(ROOT / "apps" / "worker"), "REDIS_URL": redis_url,
                 "POD_NAME": f"local-worker-{number}",
                 "HEALTH_FILE": files + ".alive", "READY_FILE": files + ".ready"},
            )  # fmt: skip
        self.wait("GET /readyz of the API", lambda: api_ready(self.api_port))

    def down(self) -> None:
        """Stop the API and workers first, Redis last, so results get stored."""
        for process in self.processes[1:] + self.processes[:1]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def watch(self) -> Optional[int]:
        """Block until a process exits; return its exit code."""
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    return process.returncode
            time.sleep(0.2)


def print_usage(api_port: int, redis_port: int) -> None:
    base = f"http://{HOST}:{api_port}"
    print(
        f"\nReady: the API on {base}, Redis on {HOST}:{redis_port}. Try:\n"
        f"  curl -s -X POST {base}/calculate -H 'Content-Type: application/json' "
        """-d '{"a": 6, "b": 7, "op": "mul"}'\n"""
        f"  curl -s -X POST {base}/calculate/async -H 'Content-Type: application/json' "
        """-d '{"a": 20, "b": 22, "op": "add", "work_s": 3}'\n"""
        f"  curl -s -N {base}/events\n"
        f"  redis-cli -p {redis_port} ZCARD ipc:queue\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )


def main() -> int:
    if shutil.which("redis-server") is None:
        print(
            "error: redis-server not found on PATH. Install it: "
            "`brew install redis` (macOS) or `sudo apt-get install redis-server` "
            "(Debian, Ubuntu).",
            file=sys.stderr,
        )
        return 2
    try:
        redis_port = port_from_env("REDIS_PORT", 6379)
        api_port = port_from_env("API_PORT", 8080)
        workers = workers_from_env()
    except LocalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # Ctrl-C stops everything, even when started from a shell that ignores
    # SIGINT for background jobs; SIGTERM (from a test or `kill`) does the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack = LocalStack(redis_port, api_port, workers)
    try:
        stack.up()
        print_usage(api_port, redis_port)
        code = stack.watch()
        print(f"a process exited with code {code}; stopping the others", flush=True)
        return 1
    except LocalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping the API, the worker and Redis", flush=True)
        return 0
    finally:
        stack.down()


if __name__ == "__main__":
    sys.exit(main())
