"""Process lifecycle: probes, graceful SIGTERM of both apps, invalid settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from ipc_stack import API_DIR, WORKER_DIR, Stack, wait_until


def run_probe(stack: Stack, worker, *args: str) -> subprocess.CompletedProcess:
    env = stack.base_env(worker.pod_name, {})
    env["HEALTH_FILE"] = str(worker.health_file)
    env["READY_FILE"] = str(worker.ready_file)
    return subprocess.run(
        [sys.executable, "-m", "worker.health", *args],
        cwd=WORKER_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_worker_probes_follow_worker_state(stack: Stack):
    worker = stack.start_worker("worker-probed")

    live = run_probe(stack, worker, "--max-age-s", "15")
    ready = run_probe(stack, worker, "--ready", "--max-age-s", "15")
    assert live.returncode == 0, live.stderr
    assert ready.returncode == 0, ready.stderr

    stack.redis_server.stop()
    wait_until(lambda: not worker.is_ready(), "the worker to report not ready")
    not_ready = run_probe(stack, worker, "--ready")
    still_live = run_probe(stack, worker)
    assert not_ready.returncode == 1
    assert "cannot reach Redis" in not_ready.stderr
    assert still_live.returncode == 0, still_live.stderr

    worker.send_signal(signal.SIGSTOP)
    try:
        wait_until(
            lambda: time.time() - os.stat(worker.health_file).st_mtime > 1,
            "the liveness file to age while the worker is stopped",
        )
        stale = run_probe(stack, worker, "--max-age-s", "1")
    finally:
        worker.send_signal(signal.SIGCONT)
    assert stale.returncode == 1
    assert "event loop is blocked" in stale.stderr

    worker.send_signal(signal.SIGTERM)
    assert worker.wait_exit() == 0
    after_exit = run_probe(stack, worker)
    assert after_exit.returncode == 1
    assert "not found" in after_exit.stderr


def test_worker_sigterm_without_wait_requeues_job(stack: Stack):
    first = stack.start_worker("worker-quick-exit", JOB_COMPLETION_WAIT_S=0)
    api = stack.start_api(MAX_WORK_S=5)
    job_id = api.client.post(
        "/calculate/async", json={"a": 1, "b": 1, "work_s": 2}
    ).json()["job_id"]
    wait_until(
        lambda: any(e["event"] == "started" for e in api.job_events(job_id)),
        f"job {job_id} to start",
    )

    first.send_signal(signal.SIGTERM)
    assert first.wait_exit() == 0
    stack.start_worker("worker-next")
    result = api.wait_for_status(job_id, "complete")

    assert result["worker_pod"] == "worker-next"
    assert result["tries"] == 2
    events = [(e["event"], e["pod"]) for e in api.job_events(job_id)]
    assert events[1:] == [
        ("started", "worker-quick-exit"),
        ("cancelled", "worker-quick-exit"),
        ("redelivered", "worker-next"),
        ("started", "worker-next"),
        ("completed", "worker-next"),
    ]
    assert "cancelling 1 running job(s)" in first.log_text()


def test_api_sigterm_drains_then_finishes_request(stack: Stack):
    stack.start_worker("worker-slow")
    api = stack.start_api(MAX_WORK_S=5, SHUTDOWN_DRAIN_S=1)
    responses = []
    request = threading.Thread(
        target=lambda: responses.append(
            api.client.post("/calculate", json={"a": 1, "b": 2, "work_s": 1.5})
        )
    )
    request.start()
    wait_until(
        lambda: any(
            fields[b"event"] == b"started"
            for _, fields in stack.redis.xrange("ipc:events")
        ),
        "the job to start",
    )

    api.send_signal(signal.SIGTERM)
    draining = wait_until(
        lambda: (
            api.client.get("/readyz")
            .json()
            .get("detail", "")
            .startswith("draining: SIGTERM")
        ),
        "/readyz to report the drain",
    )
    request.join(timeout=30)

    assert draining
    assert responses and responses[0].status_code == 200, responses
    assert responses[0].json()["result"] == 3
    assert api.wait_exit() == 0
    log = api.log_text()
    assert "SIGTERM received: /readyz returns 503" in log
    assert "api stopping" in log
    assert log.rstrip().endswith("api stopped")


def test_api_sigterm_ends_open_event_stream(stack: Stack):
    api = stack.start_api(SHUTDOWN_TIMEOUT_S=1)
    with api.client.stream("GET", "/events", params={"max_s": 600}) as response:
        assert response.status_code == 200
        next(response.iter_lines())
        api.send_signal(signal.SIGTERM)
        assert api.wait_exit() == 0
    assert "api stopping" in api.log_text()


@pytest.mark.parametrize(
    ("package", "app_dir", "name", "value"),
    [
        ("api", API_DIR, "REDIS_URL", "http://redis:6379"),
        ("api", API_DIR, "RESULT_WAIT_S", "0"),
        ("worker", WORKER_DIR, "POLL_DELAY_S", "soon"),
        ("worker", WORKER_DIR, "REDIS_URL", "redis-without-scheme"),
    ],
)
def test_invalid_setting_exits_with_message(
    stack: Stack, package, app_dir, name, value
):
    env = stack.base_env("pod-invalid", {name: value})
    result = subprocess.run(
        [sys.executable, "-m", package],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert f"invalid environment variable {name}={value!r}" in result.stderr
