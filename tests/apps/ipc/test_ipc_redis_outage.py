"""Redis stops and comes back: 503s that name Redis, recovery without restarts,
and a job queued before the restart that survives it (appendonly)."""

from __future__ import annotations

from ipc_stack import Stack, wait_until

JOB = {"a": 1, "b": 2}


def assert_names_redis(response, address: str) -> None:
    assert response.status_code == 503, response.text
    detail = response.json()["detail"]
    assert f"Redis at {address} is unreachable" in detail
    assert "REDIS_URL" in detail


def test_redis_outage_503_then_recovery(stack: Stack):
    address = stack.redis_server.address
    api = stack.start_api(RESULT_WAIT_S=0.5, REDIS_CONNECT_TIMEOUT_S=0.5)
    api.wait_ready()
    queued_id = api.client.post("/calculate/async", json=JOB).json()["job_id"]
    assert api.client.get(f"/result/{queued_id}").json()["status"] == "queued"

    stack.redis_server.stop()

    assert_names_redis(api.client.get("/readyz"), address)
    assert_names_redis(api.client.post("/calculate", json=JOB), address)
    assert_names_redis(api.client.post("/calculate/async", json=JOB), address)
    assert_names_redis(api.client.get(f"/result/{queued_id}"), address)
    assert_names_redis(api.client.get(f"/jobs/{queued_id}/events"), address)
    assert_names_redis(api.client.get("/queue"), address)
    assert_names_redis(api.client.get("/events", params={"max_s": 1}), address)
    live = api.client.get("/livez")
    assert live.status_code == 200
    assert live.headers["x-pod"] == api.pod_name

    stack.redis_server.start()
    api.wait_ready()

    assert api.is_running()
    assert api.client.get(f"/result/{queued_id}").json()["status"] == "queued"
    stack.start_worker("worker-after-restart")
    done = api.wait_for_status(queued_id, "complete")
    assert done["result"] == 3
    assert api.client.post("/calculate", json=JOB).status_code == 200
    log = api.log_text()
    assert f"Redis at {address} is unreachable" in log
    assert f"Redis at {address} is reachable again" in log


def test_redis_killed_keeps_queued_job(stack: Stack):
    api = stack.start_api()
    queued_id = api.client.post("/calculate/async", json=JOB).json()["job_id"]

    # SIGKILL, as a crashed Redis Pod: only the append-only file keeps the job.
    stack.redis_server.restart(kill=True)
    api.wait_ready()

    assert api.client.get(f"/result/{queued_id}").json()["status"] == "queued"
    stack.start_worker("worker-after-crash")
    assert api.wait_for_status(queued_id, "complete")["result"] == 3


def test_worker_survives_redis_restart(stack: Stack):
    worker = stack.start_worker("worker-steady", REDIS_RETRY_MAX_S=0.5)
    api = stack.start_api()
    assert (
        api.client.post("/calculate", json=JOB).json()["worker_pod"] == worker.pod_name
    )

    stack.redis_server.stop()
    wait_until(lambda: not worker.is_ready(), "the worker to report not ready")
    stack.redis_server.start()
    worker.wait_ready()

    response = api.client.post("/calculate", json={"a": 2, "b": 2})
    assert response.status_code == 200, response.text
    assert response.json()["worker_pod"] == worker.pod_name
    log = worker.log_text()
    assert "is unreachable" in log
    assert "is reachable again; polling resumed" in log


def test_api_starts_before_redis(stack: Stack):
    stack.redis_server.stop()
    api = stack.start_api()

    assert api.client.get("/livez").status_code == 200
    assert_names_redis(api.client.get("/readyz"), stack.redis_server.address)

    stack.redis_server.start()
    api.wait_ready()
    assert api.is_running()


def test_worker_waits_for_redis_at_startup(stack: Stack):
    stack.redis_server.stop()
    worker = stack.start_worker("worker-early", wait=False)
    address = stack.redis_server.address
    wait_until(
        lambda: f"waiting for Redis at {address}" in worker.log_text(),
        "the worker to log that it waits for Redis",
    )
    assert worker.is_running()
    assert not worker.is_ready()

    stack.redis_server.start()
    worker.wait_ready()
    api = stack.start_api()
    assert (
        api.client.post("/calculate", json=JOB).json()["worker_pod"] == "worker-early"
    )


def test_event_stream_reports_redis_outage(stack: Stack):
    api = stack.start_api()
    with api.client.stream("GET", "/events", params={"max_s": 30}) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        next(lines)
        stack.redis_server.stop()
        rest = list(lines)

    assert "event: error" in rest
    data = next(line for line in rest if line.startswith("data: "))
    assert f"Redis at {stack.redis_server.address} is unreachable" in data
