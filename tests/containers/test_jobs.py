"""The API and worker images complete a job through a real Redis."""

from __future__ import annotations

import httpx
import pytest

from tests.containers.running import (
    HARDENED_OPTIONS,
    wait_for_exec_ok,
    wait_for_http_ok,
)
from tests.support.docker import free_port

# Cold image builds run inside the first test that needs each image.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]

WORKER_READY_PROBE = ["python", "-m", "worker.health", "--ready", "--max-age-s", "15"]


def test_calculate_through_worker_container(
    api_image: str, worker_image: str, redis_server, start_container
) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    api_env = {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REDIS_URL": redis_server.url,
        "POD_NAME": "api-job-test",
    }
    worker_env = {"REDIS_URL": redis_server.url, "POD_NAME": "worker-job-test"}
    api = start_container(api_image, env=api_env, options=HARDENED_OPTIONS)
    worker = start_container(worker_image, env=worker_env, options=HARDENED_OPTIONS)
    wait_for_http_ok(api, f"{base_url}/readyz")
    wait_for_exec_ok(worker, WORKER_READY_PROBE)

    response = httpx.post(
        f"{base_url}/calculate", json={"a": 6, "b": 7, "op": "mul"}, timeout=30
    )
    assert response.status_code == 200, response.text
    job = response.json()
    assert job["status"] == "complete"
    assert job["result"] == 42
    assert job["worker_pod"] == "worker-job-test"
    assert job["api_pod"] == "api-job-test"

    result = httpx.get(f"{base_url}/result/{job['job_id']}", timeout=5)
    assert result.status_code == 200, result.text
    assert result.json()["result"] == 42
