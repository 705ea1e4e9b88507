"""The IPC driver against the real apps: API, arq workers and redis-server on loopback.

The HTTP client, the live event feed and the demo's steps run for real. Only
kubectl is replaced, by ipc_fake_cluster: it signals and starts the worker
processes as the kubelet and the ReplicaSet would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from demos.console import Console
from demos.framework import Context
from demos.ipc.burst_steps import burst, scale_workers
from demos.ipc.call_steps import async_calculation, sync_calculation
from demos.ipc.client import ApiClient, ApiError
from demos.ipc.cluster import SCALED_WORKERS, WORKERS
from demos.ipc.feed import EventFeed
from demos.ipc.redis_steps import redis_restart
from demos.ipc.session import IpcSession
from demos.ipc.worker_faults import LOCK_EXTRA_S, forced_kill, graceful_delete
from demos.report import Report
from demos.settings import Settings
from tests.apps.ipc.ipc_stack import APP_ENV_NAMES, Stack, wait_until
from tests.driver.ipc_fake_cluster import FakeKube
from tests.support.redis_server import RedisServer, free_port, require_redis_server

# Above the 8 s of the killed job, and short enough to keep the test quick:
# the job runs again JOB_TIMEOUT_S + 10 s after it started.
JOB_TIMEOUT_S = 10
WORKER_ENV = {
    "MAX_JOBS": 1,
    "JOB_TIMEOUT_S": JOB_TIMEOUT_S,
    "JOB_COMPLETION_WAIT_S": 15,
    "MAX_TRIES": 3,
}


@pytest.fixture(autouse=True)
def clean_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in APP_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    require_redis_server()
    with RedisServer() as server:
        yield server


@pytest.fixture
def stack(redis_server: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(redis_server, tmp_path)
    yield stack
    stack.close()


@pytest.fixture
def api(stack: Stack):
    return stack.start_api(pod_name="api-0", SSE_KEEPALIVE_S=1).wait_ready()


class Live:
    """A session of the demo wired to the local processes, with its output."""

    def __init__(self, session: IpcSession, kube: FakeKube, out: io.StringIO) -> None:
        self.session = session
        self.kube = kube
        self.out = out
        self.report = session.report

    def failures(self) -> str:
        failed = [c for c in self.report.checks if not c.passed]
        return f"{failed}\n--- demo output ---\n{self.out.getvalue()[-4000:]}"


@pytest.fixture
def live(
    stack: Stack, redis_server: RedisServer, api, tmp_path: Path
) -> Iterator[Live]:
    out = io.StringIO()
    settings = Settings({"PAUSE": "0", "OUT_DIR": str(tmp_path / "out")})
    ctx = Context(settings, Console(out))
    kube = FakeKube(stack, redis_server, WORKER_ENV)
    ctx.kube = kube
    session = IpcSession(ctx, Report("ipc"))
    session.base_url = api.base_url
    session.client = ApiClient(ctx.console, api.base_url)
    for _ in range(WORKERS):
        kube.start_worker()
    port = int(api.base_url.rsplit(":", 1)[1])
    session.feed = EventFeed("127.0.0.1", port, ctx.console.note)
    session.feed.start()
    assert session.feed.connected.wait(timeout=10)
    yield Live(session, kube, out)
    session.close()
    kube.close()


def test_client_returns_result_and_pod(api):
    out = io.StringIO()
    client = ApiClient(Console(out), api.base_url)
    reply = client.post("/calculate", {"a": 6, "b": 7, "op": "mul"}, headers=True)
    assert reply.status == 504 or reply.status == 200
    assert reply.pod == "api-0"
    assert f"$ curl -s -i -X POST {api.base_url}/calculate " in out.getvalue()


def test_client_returns_error_status(api):
    client = ApiClient(Console(io.StringIO()), api.base_url)
    reply = client.post("/calculate", {"a": "six"}, show=False)
    assert reply.status == 422
    assert "message" in reply.body


def test_client_unreachable_names_port_forward():
    client = ApiClient(Console(io.StringIO()), f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ApiError, match="port-forward"):
        client.get("/livez", show=False)
    assert not client.is_live()


def test_feed_prints_a_job_s_events(stack: Stack, api):
    stack.start_worker("worker-a", **WORKER_ENV)
    lines: list = []
    feed = EventFeed("127.0.0.1", int(api.base_url.rsplit(":", 1)[1]), lines.append)
    feed.start()
    try:
        assert feed.connected.wait(timeout=10)
        job_id = api.client.post("/calculate", json={"a": 6, "b": 7}).json()["job_id"]
        wait_until(
            lambda: any(e.get("event") == "completed" for e in feed.events),
            "the completed event",
        )
    finally:
        feed.stop()
    names = [e["event"] for e in feed.events if e.get("job_id") == job_id]
    assert names == ["queued", "started", "completed"]
    assert any("completed" in line and "result 13" in line for line in lines)


def test_feed_resumes_after_redis_restart(stack: Stack, redis_server, api):
    stack.start_worker("worker-a", **WORKER_ENV)
    lines: list = []
    feed = EventFeed("127.0.0.1", int(api.base_url.rsplit(":", 1)[1]), lines.append)
    feed.start()
    try:
        assert feed.connected.wait(timeout=10)
        first = api.client.post("/calculate", json={"a": 1, "b": 1}).json()["job_id"]
        wait_until(lambda: len(feed.events) >= 3, "the first job's events")
        redis_server.restart()
        api.wait_ready()
        second = api.client.post("/calculate", json={"a": 2, "b": 2}, timeout=30)
        second_id = second.json()["job_id"]
        wait_until(
            lambda: any(e.get("job_id") == second_id for e in feed.events),
            "the second job's events after the restart",
            timeout_s=30,
        )
    finally:
        feed.stop()
    ids = [e["id"] for e in feed.events]
    assert len(ids) == len(set(ids)), "an event was printed twice"
    assert {e["job_id"] for e in feed.events} >= {first, second_id}
    # The API reports the failed read before it ends the stream, or the
    # connection breaks. Either way the feed prints that it reconnects.
    assert any("reconnecting" in line for line in lines), lines


def test_feed_stop_ends_thread(api):
    feed = EventFeed("127.0.0.1", int(api.base_url.rsplit(":", 1)[1]), lambda _: None)
    feed.start()
    feed.stop()
    assert not feed._thread.is_alive()


def test_queue_steps_pass(live: Live):
    sync_calculation(live.session)
    async_calculation(live.session)
    burst(live.session)
    assert live.report.passed, live.failures()
    assert len(live.report.data["burst"]["per_pod"]) == WORKERS
    assert "feed (muted for the 20 jobs)" in live.out.getvalue()


def test_graceful_delete_completes_once_on_that_worker(live: Live):
    graceful_delete(live.session)
    assert live.report.passed, live.failures()
    data = live.report.data["graceful"]
    assert data["record"]["worker_pod"] == data["deleted_pod"]
    assert ["delete", "pod", data["deleted_pod"], "--wait=false"] in live.kube.commands


def test_forced_kill_runs_job_again_after_lock(live: Live):
    forced_kill(live.session)
    assert live.report.passed, live.failures()
    data = live.report.data["forced"]
    assert data["lock_s"] == JOB_TIMEOUT_S + LOCK_EXTRA_S
    assert data["redelivered_after_s"] >= data["lock_s"] - 1
    assert data["record"]["tries"] == 2
    assert data["record"]["worker_pod"] != data["killed_pod"]


def test_scale_step_measures_both_sizes(live: Live):
    scale_workers(live.session)
    throughput = live.report.data["throughput"]
    assert throughput[WORKERS] > 0
    assert throughput[SCALED_WORKERS] > 0
    scaled = [c for c in live.report.checks if "Ready pods" in c.description]
    assert scaled and scaled[0].passed, live.failures()


def test_redis_restart_keeps_queued_jobs(live: Live):
    redis_restart(live.session)
    assert live.report.passed, live.failures()
    data = live.report.data["redis_restart"]
    assert data["queued_before"] == data["queued_after"] == "10"
    assert data["completed"] == 10
