"""Real `python -m api` and `python -m worker` processes on loopback for the IPC tests,
and a helper that waits for a condition instead of sleeping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

import httpx
import redis
from api.settings import Settings as ApiSettings
from worker.settings import Settings as WorkerSettings

from tests.support.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[3]
API_DIR = ROOT / "apps" / "api"
WORKER_DIR = ROOT / "apps" / "worker"
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0
# Bound of every wait for a condition that has no more specific bound.
CONDITION_TIMEOUT_S = 20.0
API_POD = "api-6f7c9d8b5-q2w4e"
# Settings of both apps, which the outer shell must not leak into a test.
APP_ENV_NAMES = frozenset(ApiSettings.model_fields) | frozenset(
    WorkerSettings.model_fields
)


def wait_until(
    condition: Callable[[], Any],
    what: str,
    timeout_s: float = CONDITION_TIMEOUT_S,
    interval_s: float = 0.02,
) -> Any:
    """Poll ``condition`` until it returns a truthy value and return that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(interval_s)


class AppProcess:
    """A `python -m <package>` subprocess with its output in a log file."""

    def __init__(self, package: str, app_dir: Path, env: dict[str, str], log: Path):
        self.package = package
        self.log_path = log
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", package],
            cwd=app_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def is_running(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def describe(self) -> str:
        return f"{self.package} pid {self.pid}; log:\n{self.log_text()[-4000:]}"

    def send_signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait_exit(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.package} did not exit within {timeout_s} s: {self.describe()}"
            ) from None

    def stop(self) -> None:
        if self.is_running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


class ApiProcess(AppProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__("api", API_DIR, env, log)
        self.pod_name = env["POD_NAME"]
        self.base_url = f"http://127.0.0.1:{env['PORT']}"
        self.client = httpx.Client(base_url=self.base_url, timeout=30.0)

    def wait_live(self) -> ApiProcess:
        def is_live() -> bool:
            if not self.is_running():
                raise AssertionError(f"the API exited: {self.describe()}")
            try:
                return self.client.get("/livez").status_code == 200
            except httpx.TransportError:
                return False

        wait_until(is_live, "GET /livez to return 200", STARTUP_TIMEOUT_S)
        return self

    def wait_ready(self) -> ApiProcess:
        wait_until(
            lambda: self.client.get("/readyz").status_code == 200,
            "GET /readyz to return 200",
        )
        return self

    def wait_for_status(self, job_id: str, status: str, timeout_s: float = 30.0):
        """Poll GET /result/<id> until the job has ``status``; return the body."""

        def read() -> Optional[dict]:
            response = self.client.get(f"/result/{job_id}")
            body = response.json() if response.status_code == 200 else None
            return body if body and body["status"] == status else None

        return wait_until(read, f"job {job_id} to be {status}", timeout_s)

    def job_events(self, job_id: str) -> list[dict]:
        response = self.client.get(f"/jobs/{job_id}/events")
        assert response.status_code == 200, response.text
        return response.json()["events"]

    def stop(self) -> None:
        self.client.close()
        super().stop()


class WorkerProcess(AppProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__("worker", WORKER_DIR, env, log)
        self.pod_name = env["POD_NAME"]
        self.ready_file = Path(env["READY_FILE"])
        self.health_file = Path(env["HEALTH_FILE"])

    def is_ready(self) -> bool:
        if not self.is_running():
            raise AssertionError(f"the worker exited: {self.describe()}")
        return self.ready_file.exists()

    def wait_ready(self, timeout_s: float = STARTUP_TIMEOUT_S) -> WorkerProcess:
        wait_until(self.is_ready, f"worker {self.pod_name} to be ready", timeout_s)
        return self


class Stack:
    """The API and worker processes of one test on one Redis; close() stops them."""

    def __init__(self, redis_server: RedisServer, log_dir: Path) -> None:
        self.redis_server = redis_server
        self.log_dir = log_dir
        self.processes: list[AppProcess] = []
        self.redis = redis.Redis.from_url(redis_server.url, socket_timeout=10)

    def base_env(self, pod_name: str, overrides: dict[str, Any]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in APP_ENV_NAMES}
        env.update(
            REDIS_URL=self.redis_server.url,
            POD_NAME=pod_name,
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
        )
        env.update({name: str(value) for name, value in overrides.items()})
        return env

    def start_api(self, pod_name: str = API_POD, wait: bool = True, **env: Any):
        env.setdefault("PORT", free_port())
        env.setdefault("ACCESS_LOG", "false")
        env.setdefault("SHUTDOWN_DRAIN_S", 0)
        log = self.log_dir / f"{pod_name}.log"
        api = ApiProcess(self.base_env(pod_name, env), log)
        self.processes.append(api)
        return api.wait_live() if wait else api

    def start_worker(self, pod_name: str, wait: bool = True, **env: Any):
        env.setdefault("HEALTH_FILE", self.log_dir / f"{pod_name}.alive")
        env.setdefault("READY_FILE", self.log_dir / f"{pod_name}.ready")
        env.setdefault("HEALTH_INTERVAL_S", 0.1)
        log = self.log_dir / f"{pod_name}.log"
        worker = WorkerProcess(self.base_env(pod_name, env), log)
        self.processes.append(worker)
        return worker.wait_ready() if wait else worker

    def stream_events(self, job_id: str) -> list[tuple[str, dict[str, str]]]:
        """Return the job's entries in the shared stream, read directly from Redis."""
        entries = self.redis.xrange("ipc:events")
        return [
            (entry_id.decode(), {k.decode(): v.decode() for k, v in fields.items()})
            for entry_id, fields in entries
            if fields.get(b"job_id") == job_id.encode()
        ]

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.redis.close()


def entry_id_key(entry_id: str) -> tuple[int, int]:
    """Sort key of a Redis Stream entry id such as 1700000000000-3."""
    millis, _, seq = entry_id.partition("-")
    return int(millis), int(seq or 0)
