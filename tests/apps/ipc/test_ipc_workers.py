"""Several real worker processes: work sharing, SIGTERM and SIGKILL in mid-job."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime

from ipc_stack import Stack, wait_until

JOB_COUNT = 200


def started_count(events: list[dict]) -> int:
    """Runs of the job body: the worker adds one started event per run."""
    return sum(1 for event in events if event["event"] == "started")


def test_two_workers_share_200_jobs(stack: Stack):
    workers = [stack.start_worker(name) for name in ("worker-a", "worker-b")]
    api = stack.start_api()

    job_ids = []
    for number in range(JOB_COUNT):
        body = {"a": number, "b": 2, "op": "mul", "work_s": 0.01}
        response = api.client.post("/calculate/async", json=body)
        assert response.status_code == 202, response.text
        job_ids.append(response.json()["job_id"])

    results = {job_id: api.wait_for_status(job_id, "complete") for job_id in job_ids}
    for number, job_id in enumerate(job_ids):
        assert results[job_id]["result"] == number * 2
        assert results[job_id]["tries"] == 1
    runs = Counter(started_count(api.job_events(job_id)) for job_id in job_ids)
    assert runs == {1: JOB_COUNT}, f"jobs by number of runs: {runs}"
    per_worker = Counter(result["worker_pod"] for result in results.values())
    print(
        f"\n{JOB_COUNT} jobs: runs per job {dict(runs)}; jobs per worker {per_worker}"
    )
    assert set(per_worker) == {"worker-a", "worker-b"}
    assert all(worker.is_running() for worker in workers)
    assert api.client.get("/queue").json()["jobs"] == 0


def test_sigterm_mid_job_finishes_it_once(stack: Stack):
    first = stack.start_worker("worker-term", JOB_COMPLETION_WAIT_S=15)
    api = stack.start_api(MAX_WORK_S=5)
    job_id = api.client.post(
        "/calculate/async", json={"a": 20, "b": 22, "work_s": 1.5}
    ).json()["job_id"]
    wait_until(
        lambda: started_count(api.job_events(job_id)) == 1, f"job {job_id} to start"
    )
    second = stack.start_worker("worker-other")

    first.send_signal(signal.SIGTERM)
    exit_code = first.wait_exit()

    assert exit_code == 0, first.describe()
    result = api.wait_for_status(job_id, "complete")
    assert result["result"] == 42
    assert result["worker_pod"] == "worker-term"
    assert result["tries"] == 1
    events = api.job_events(job_id)
    assert [event["event"] for event in events] == ["queued", "started", "completed"]
    log = first.log_text()
    assert "SIGTERM received: taking no new jobs" in log
    assert "for 1 running job(s) to finish" in log
    assert "worker stopped: 1 jobs complete" in log
    assert second.is_running()


def test_sigkill_mid_job_redelivers_it(stack: Stack):
    # arq keeps a started job's in-progress key for JOB_TIMEOUT_S + 10 s, and no
    # other worker runs the job before it expires. A short timeout keeps the test
    # short.
    job_timeout_s = 2
    worker_env = {"JOB_TIMEOUT_S": job_timeout_s, "JOB_COMPLETION_WAIT_S": 5}
    workers = {
        name: stack.start_worker(name, **worker_env)
        for name in ("worker-x", "worker-y")
    }
    api = stack.start_api(MAX_WORK_S=job_timeout_s)
    job_id = api.client.post(
        "/calculate/async", json={"a": 5, "b": 8, "work_s": 1.5}
    ).json()["job_id"]
    first_start = wait_until(
        lambda: next(
            (e for e in api.job_events(job_id) if e["event"] == "started"), None
        ),
        f"job {job_id} to start",
    )
    killed = workers[first_start["pod"]]
    survivor = next(w for w in workers.values() if w is not killed)

    killed.send_signal(signal.SIGKILL)
    killed_at = time.time()
    assert killed.wait_exit() == -signal.SIGKILL
    in_flight = api.client.get(f"/result/{job_id}").json()
    result = api.wait_for_status(job_id, "complete", timeout_s=job_timeout_s + 30)

    assert in_flight["status"] == "in_progress"
    assert result["result"] == 13
    assert result["worker_pod"] == survivor.pod_name
    assert result["tries"] == 2
    events = api.job_events(job_id)
    assert [(e["event"], e.get("try"), e["pod"]) for e in events] == [
        ("queued", None, api.pod_name),
        ("started", 1, killed.pod_name),
        ("redelivered", 2, survivor.pod_name),
        ("started", 2, survivor.pod_name),
        ("completed", 2, survivor.pod_name),
    ]
    assert started_count(events) == 2
    first_at = datetime.fromisoformat(events[1]["at"]).timestamp()
    second_at = datetime.fromisoformat(events[3]["at"]).timestamp()
    print(
        f"\nSIGKILL {killed_at - first_at:.2f} s after the first start; "
        f"second try started {second_at - first_at:.2f} s after the first "
        f"(in-progress key lives JOB_TIMEOUT_S + 10 = {job_timeout_s + 10} s); "
        f"runs of the job body: {started_count(events)}"
    )
