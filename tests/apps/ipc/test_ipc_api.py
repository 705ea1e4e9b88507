"""The API's routes against a real redis-server and a real worker process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ipc_stack import API_POD, ApiProcess, Stack, entry_id_key

from tests.support.redis_server import RedisServer, require_redis_server

WORKER_POD = "worker-5c8d7b9f6-abcde"
RESULT_TTL_S = 120
MAX_WORK_S = 2


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One Redis, one API and one worker, shared by the tests that only read."""
    require_redis_server()
    with RedisServer() as server:
        stack = Stack(server, Path(tmp_path_factory.mktemp("ipc-api")))
        try:
            stack.start_worker(WORKER_POD)
            stack.start_api(RESULT_TTL_S=RESULT_TTL_S, MAX_WORK_S=MAX_WORK_S)
            yield stack
        finally:
            stack.close()


@pytest.fixture
def api(running: Stack) -> ApiProcess:
    return next(p for p in running.processes if isinstance(p, ApiProcess))


def test_calculate_returns_result(api: ApiProcess):
    response = api.client.post("/calculate", json={"a": 2, "b": 3})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "complete"
    assert body["result"] == 5
    assert body["op"] == "add"
    assert body["worker_pod"] == WORKER_POD
    assert body["api_pod"] == API_POD
    assert body["tries"] == 1
    assert response.headers["x-pod"] == API_POD
    for name in ("enqueued_at", "started_at", "finished_at", "queue_wait_ms", "run_ms"):
        assert name in body


@pytest.mark.parametrize(
    ("op", "a", "b", "expected"),
    [
        ("sub", 2, 3, -1),
        ("mul", 2.5, 4, 10.0),
        ("div", 7, 2, 3.5),
        ("add", -1e15, 1, -1e15 + 1),
    ],
)
def test_calculate_each_operation(api: ApiProcess, op, a, b, expected):
    response = api.client.post("/calculate", json={"a": a, "b": b, "op": op})

    assert response.status_code == 200, response.text
    assert response.json()["result"] == expected


def test_calculate_division_by_zero_fails(api: ApiProcess):
    response = api.client.post("/calculate", json={"a": 1, "b": 0, "op": "div"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "failed"
    assert "division by zero" in body["reason"]
    assert "result" not in body
    stored = api.client.get(f"/result/{body['job_id']}").json()
    assert stored["status"] == "failed"
    assert stored["reason"] == body["reason"]
    events = [event["event"] for event in api.job_events(body["job_id"])]
    assert events == ["queued", "started", "failed"]


def test_calculate_async_then_result_complete(api: ApiProcess):
    response = api.client.post(
        "/calculate/async", json={"a": 6, "b": 7, "op": "mul", "work_s": 0.2}
    )

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued"
    assert body["status_url"] == f"/result/{body['job_id']}"
    assert response.headers["location"] == body["status_url"]
    done = api.wait_for_status(body["job_id"], "complete")
    assert done["result"] == 42
    assert done["worker_pod"] == WORKER_POD


def test_result_unknown_id_404(api: ApiProcess):
    response = api.client.get("/result/" + "0" * 32)

    assert response.status_code == 404
    assert f"kept for {RESULT_TTL_S} s (RESULT_TTL_S)" in response.json()["detail"]
    assert response.headers["x-pod"] == API_POD


def test_job_events_unknown_id_404(api: ApiProcess):
    response = api.client.get("/jobs/" + "f" * 32 + "/events")

    assert response.status_code == 404
    assert "RESULT_TTL_S" in response.json()["detail"]


@pytest.mark.parametrize("job_id", ["zz", "0" * 31, "0" * 33, "A" * 32, "0" * 31 + "-"])
def test_result_invalid_id_422(api: ApiProcess, job_id):
    response = api.client.get(f"/result/{job_id}")

    assert response.status_code == 422
    assert "path.job_id" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"b": 1}, "body.a"),
        ({"a": "3", "b": 1}, "body.a"),
        ({"a": 1, "b": True}, "body.b"),
        ({"a": 1e16, "b": 1}, "body.a"),
        ({"a": 1, "b": 1, "op": "pow"}, "body.op"),
        ({"a": 1, "b": 1, "work_s": -1}, "body.work_s"),
        ({"a": 1, "b": 1, "work_s": MAX_WORK_S + 1}, "body.work_s"),
        ({"a": 1, "b": 1, "extra": 1}, "body.extra"),
    ],
)
def test_calculate_invalid_body_422(api: ApiProcess, body, field):
    for path in ("/calculate", "/calculate/async"):
        response = api.client.post(path, json=body)

        assert response.status_code == 422, response.text
        assert response.json()["message"].startswith(field + ":")
        assert response.headers["x-pod"] == API_POD


@pytest.mark.parametrize("literal", [b"1e400", b"-1e400", b"NaN", b"Infinity"])
def test_calculate_non_finite_number_422(api: ApiProcess, literal):
    # Python's JSON parser turns these into inf and nan, which JSON cannot echo.
    body = b'{"a": ' + literal + b', "b": 1}'
    response = api.client.post(
        "/calculate", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert response.json()["message"].startswith("body.a:")


def test_calculate_invalid_json_422(api: ApiProcess):
    response = api.client.post(
        "/calculate", content=b"{", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["message"].startswith("body")


def test_queue_reports_length(api: ApiProcess):
    response = api.client.get("/queue")

    assert response.status_code == 200
    assert response.json() == {"queue": "ipc:queue", "jobs": 0}


def test_health_routes(api: ApiProcess):
    live = api.client.get("/livez")
    ready = api.client.get("/readyz")

    assert live.status_code == 200
    assert live.json()["pod"] == API_POD
    assert ready.status_code == 200
    assert ready.json()["redis"].startswith("127.0.0.1:")
    assert live.headers["x-pod"] == ready.headers["x-pod"] == API_POD


def test_job_events_in_order(api: ApiProcess, running: Stack):
    job_id = api.client.post("/calculate", json={"a": 1, "b": 2}).json()["job_id"]

    events = api.job_events(job_id)
    assert [event["event"] for event in events] == ["queued", "started", "completed"]
    ids = [event["id"] for event in events]
    assert ids == sorted(ids, key=entry_id_key)
    assert len(set(ids)) == 3
    queued, started, completed = events
    assert queued["pod"] == API_POD
    assert (queued["op"], queued["a"], queued["b"]) == ("add", 1, 2)
    assert started["pod"] == completed["pod"] == WORKER_POD
    assert started["try"] == completed["try"] == 1
    assert completed["result"] == 3
    assert queued["at"] <= started["at"] <= completed["at"]

    shared = running.stream_events(job_id)
    assert [fields["event"] for _, fields in shared] == [
        "queued",
        "started",
        "completed",
    ]
    shared_ids = [entry_id for entry_id, _ in shared]
    assert shared_ids == sorted(shared_ids, key=entry_id_key)


def test_calculate_without_worker_504_then_completes(stack: Stack):
    api = stack.start_api(RESULT_WAIT_S=0.3)

    response = api.client.post("/calculate", json={"a": 40, "b": 2})

    assert response.status_code == 504, response.text
    body = response.json()
    job_id = body["job_id"]
    assert body["status"] == "queued"
    assert body["status_url"] == f"/result/{job_id}"
    assert response.headers["location"] == body["status_url"]
    assert "RESULT_WAIT_S" in body["detail"]
    assert api.client.get(f"/result/{job_id}").json()["status"] == "queued"
    assert api.client.get("/queue").json()["jobs"] == 1

    stack.start_worker("worker-late")
    done = api.wait_for_status(job_id, "complete")
    assert done["result"] == 42
    assert done["worker_pod"] == "worker-late"
