"""`make run-ipc`: redis-server, the API and a worker as real local processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.apps.ipc.ipc_stack import APP_ENV_NAMES, wait_until
from tests.support.redis_server import free_port, require_redis_server

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 40


def local_env(**overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in APP_ENV_NAMES}
    env.update(overrides)
    return env


def run_local(env: dict, log: Path) -> subprocess.Popen:
    # The child keeps its own copy of the log file descriptor.
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "demos.ipc.local"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_local_mode_serves_and_stops(tmp_path: Path):
    require_redis_server()
    redis_port, api_port = free_port(), free_port()
    log = tmp_path / "local.log"
    proc = run_local(local_env(REDIS_PORT=str(redis_port), API_PORT=str(api_port)), log)
    base = f"http://127.0.0.1:{api_port}"
    try:

        def ready() -> bool:
            assert proc.poll() is None, log.read_text()
            return "Ready: the API" in log.read_text()

        wait_until(ready, "the local mode to be ready", timeout_s=60, interval_s=0.2)
        reply = httpx.post(f"{base}/calculate", json={"a": 6, "b": 7, "op": "mul"})
        assert reply.status_code == 200, reply.text
        assert reply.json()["result"] == 42
        assert reply.json()["worker_pod"] == "local-worker-1"
        assert reply.headers["x-pod"] == "local-api"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=STOP_TIMEOUT_S)
    assert code == 0, log.read_text()
    assert not port_open(api_port)
    assert not port_open(redis_port)
    assert "stopping the API, the worker and Redis" in log.read_text()


def test_local_mode_rejects_invalid_workers(tmp_path: Path):
    require_redis_server()
    log = tmp_path / "local.log"
    ports = {"REDIS_PORT": str(free_port()), "API_PORT": str(free_port())}
    proc = run_local(local_env(WORKERS="zero", **ports), log)
    assert proc.wait(timeout=STOP_TIMEOUT_S) == 2
    assert "WORKERS='zero' is invalid" in log.read_text()


def test_local_mode_rejects_busy_port(tmp_path: Path):
    require_redis_server()
    log = tmp_path / "local.log"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_local(
            local_env(API_PORT=str(port), REDIS_PORT=str(free_port())), log
        )
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 2
    assert f"port {port} on 127.0.0.1 is in use" in log.read_text()
    assert "API_PORT=<port>" in log.read_text()


@pytest.mark.parametrize("name", ["REDIS_PORT", "API_PORT"])
def test_local_mode_rejects_invalid_port(tmp_path: Path, name: str):
    require_redis_server()
    log = tmp_path / "local.log"
    ports = {"REDIS_PORT": str(free_port()), "API_PORT": str(free_port())}
    ports[name] = "99999"
    proc = run_local(local_env(**ports), log)
    assert proc.wait(timeout=STOP_TIMEOUT_S) == 2
    assert f"{name}='99999' is invalid" in log.read_text()
