"""`docker stop` (SIGTERM, as the kubelet sends) ends each server gracefully."""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field

import httpx
import pytest

from tests.containers.conftest import record_stop
from tests.containers.running import (
    HARDENED_OPTIONS,
    wait_for_exec_ok,
    wait_for_http_ok,
)
from tests.support.docker import free_port

# Cold image builds run inside the first test that needs each image.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]

# Seconds between SIGTERM and SIGKILL. It only guards against a hang: the measured
# stop time is reported in the tier's summary, not asserted.
STOP_GRACE_S = 20
WORKER_READY_PROBE = ["python", "-m", "worker.health", "--ready", "--max-age-s", "15"]


@dataclass(frozen=True)
class StopCase:
    app: str
    # Lines that the app logs on a graceful stop, as regular expressions.
    graceful_lines: list[str]
    env: dict[str, str] = field(default_factory=dict)
    needs_redis: bool = False
    serves_http: bool = True


CASES = [
    StopCase(
        "web",
        [r"draining: SIGTERM received", r"web\.server: stopped$"],
        env={"SHUTDOWN_DRAIN_S": "1"},
    ),
    StopCase(
        "api",
        [r"api stopping$", r"Finished server process"],
        env={"SHUTDOWN_DRAIN_S": "1"},
        needs_redis=True,
    ),
    StopCase("worker", [r"worker stopped: "], needs_redis=True, serves_http=False),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.app)
def test_docker_stop_graceful(case: StopCase, request, start_container) -> None:
    image = request.getfixturevalue(f"{case.app}_image")
    port = free_port()
    env = {"HOST": "127.0.0.1", "PORT": str(port), "POD_NAME": f"{case.app}-stop-test"}
    env.update(case.env)
    if case.needs_redis:
        env["REDIS_URL"] = request.getfixturevalue("redis_server").url
    container = start_container(image, env=env, options=HARDENED_OPTIONS)
    if case.serves_http:
        wait_for_http_ok(container, f"http://127.0.0.1:{port}/readyz")
    else:
        wait_for_exec_ok(container, WORKER_READY_PROBE)

    exit_code, stop_s = container.stop(STOP_GRACE_S)
    record_stop(image, exit_code, stop_s)

    logs = container.logs()
    assert exit_code == 0, f"stopped after {stop_s:.1f} s; logs:\n{logs[-3000:]}"
    for line in case.graceful_lines:
        assert re.search(line, logs, re.MULTILINE), f"{line!r} not in:\n{logs[-3000:]}"


def test_web_readyz_fails_during_drain(web_image: str, start_container) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {"HOST": "127.0.0.1", "PORT": str(port), "SHUTDOWN_DRAIN_S": "3"}
    container = start_container(web_image, env=env, options=HARDENED_OPTIONS)
    wait_for_http_ok(container, f"{base_url}/readyz")

    stop = subprocess.Popen(
        ["docker", "stop", "-t", str(STOP_GRACE_S), container.name],
        stdout=subprocess.DEVNULL,
    )
    readiness, liveness = _poll_until_not_ready(base_url, timeout_s=STOP_GRACE_S)
    stop.wait(timeout=STOP_GRACE_S + 30)

    assert readiness == 503
    assert liveness == 200
    assert container.state()["ExitCode"] == 0


def _poll_until_not_ready(base_url: str, timeout_s: float) -> tuple[int, int]:
    """Return the first non-200 /readyz status and the /livez status right after."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        readiness = httpx.get(f"{base_url}/readyz", timeout=2).status_code
        if readiness != 200:
            return readiness, httpx.get(f"{base_url}/livez", timeout=2).status_code
        time.sleep(0.05)
    pytest.fail(f"{base_url}/readyz kept returning 200 for {timeout_s} s")
