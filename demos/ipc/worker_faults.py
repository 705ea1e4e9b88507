"""IPC demo steps that stop a worker Pod mid-job: gracefully, and by a kill."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from demos.ipc.cluster import (
    IN_PROGRESS_PREFIX,
    NAMESPACE,
    WORKER_SELECTOR,
    WORKERS,
    redis_cli,
    wait_pod_gone,
    wait_workers,
    worker_setting,
)
from demos.ipc.jobs import count_events, ran_once, seconds_between, timeline
from demos.ipc.session import IpcSession
from demos.report import format_seconds, format_table

GRACEFUL_BODY = {"a": 2, "b": 3, "op": "mul", "work_s": 6}
# Longer than the 2 s between SIGTERM and SIGKILL, so the kill lands mid-job.
KILLED_BODY = {"a": 3, "b": 4, "op": "mul", "work_s": 8}
# arq sets a job's in-progress key for JOB_TIMEOUT_S plus this many seconds.
LOCK_EXTRA_S = 10


def show_timeline(s: IpcSession, job_id: str) -> List[Dict[str, Any]]:
    events = s.job_events(job_id, show=True)
    if events:
        s.console.write(format_table(("time", "event", "try", "pod"), timeline(events)))
    return events


def graceful_delete(s: IpcSession) -> None:
    s.console.step("Delete a worker Pod in the middle of a job: the job completes once")
    job_id, _ = s.enqueue(GRACEFUL_BODY)
    pod, _ = s.wait_started(job_id)

    s.console.note(
        f"{pod} is running the job ({GRACEFUL_BODY['work_s']} s of work). Deleting "
        "the Pod sends SIGTERM: the worker takes no new job and lets this one finish "
        "(JOB_COMPLETION_WAIT_S=15, within terminationGracePeriodSeconds=25)."
    )
    s.kube.run(["delete", "pod", pod, "--wait=false"], NAMESPACE)
    s.kube.run(["get", "pods", "-l", WORKER_SELECTOR], NAMESPACE)

    record = s.wait_result(job_id, 60)
    events = show_timeline(s, job_id)
    restored = wait_workers(s.ctx, WORKERS, replaced=[pod])
    s.kube.run(["get", "pods", "-l", WORKER_SELECTOR], NAMESPACE)
    if s.plan:
        return

    s.report.row(
        "graceful delete of a worker mid-job",
        f"{record.get('status')}, worker {record.get('worker_pod')}, "
        f"tries {record.get('tries')}",
    )
    s.report.check(
        "the job of the gracefully deleted worker completed once, on that worker",
        record.get("status") == "complete"
        and record.get("tries") == 1
        and record.get("worker_pod") == pod
        and ran_once(events),
        f"tries {record.get('tries')}, worker {record.get('worker_pod')}",
    )
    s.report.check(
        f"Deployment worker restored {WORKERS} Ready pods after the graceful delete",
        restored,
    )
    s.report.data["graceful"] = {"deleted_pod": pod, "record": record, "events": events}
    s.console.pause()


def lock_left_s(pttl: str) -> Optional[float]:
    """Return the seconds a PTTL reply leaves, or None if the key is gone (-2)."""
    try:
        milliseconds = int(pttl)
    except ValueError:
        return None
    return milliseconds / 1000 if milliseconds > 0 else None


def explain_lock(s: IpcSession, job_id: str, job_timeout_s: float) -> None:
    """Show the killed job's lock in Redis and when it expires."""
    lock_s = job_timeout_s + LOCK_EXTRA_S
    key = IN_PROGRESS_PREFIX + job_id
    left_s = lock_left_s(
        redis_cli(s.ctx, "PTTL", key, plan_output="<milliseconds left>")
    )
    when = "."
    if left_s:
        expires = datetime.now() + timedelta(seconds=left_s)
        when = f", and expires in {left_s:.1f} s, at {expires:%H:%M:%S}."
    s.console.note(
        f"The worker is gone, but arq's lock {key} is not: it was set for "
        f"JOB_TIMEOUT_S {job_timeout_s:g} s + {LOCK_EXTRA_S} s = {lock_s:g} s when "
        f"the try started{when} Until then no worker takes the job. After it, the "
        "next free worker runs the job again (at-least-once delivery)."
    )


def forced_kill(s: IpcSession) -> None:
    s.console.step(
        "Kill a worker Pod in the middle of a job: the job runs again after its "
        "lock expires"
    )
    job_timeout_s = worker_setting(s.ctx, "JOB_TIMEOUT_S", 20)
    job_id, _ = s.enqueue(KILLED_BODY)
    pod, _ = s.wait_started(job_id)

    s.console.note(
        "--grace-period=1: SIGTERM, then SIGKILL 2 s later (the kubelet's minimum "
        f"grace period), long before the {KILLED_BODY['work_s']} s job ends. "
        "(--force --grace-period=0 only removes the Pod object at once, and the "
        "kubelet may still give the container its full grace period to finish.)"
    )
    s.kube.run(["delete", "pod", pod, "--grace-period=1", "--wait=false"], NAMESPACE)
    wait_pod_gone(s.ctx, pod)
    s.kube.run(["get", "pods", "-l", WORKER_SELECTOR], NAMESPACE)
    explain_lock(s, job_id, job_timeout_s)
    s.client.echo(s.client.get(f"/result/{job_id}"))

    lock_s = job_timeout_s + LOCK_EXTRA_S
    record = s.wait_result(job_id, lock_s + 60)
    events = show_timeline(s, job_id)
    restored = wait_workers(s.ctx, WORKERS, replaced=[pod])
    if not s.plan:
        report_redelivery(s, pod, record, events, lock_s, restored)
    s.console.pause()


def report_redelivery(
    s: IpcSession,
    pod: str,
    record: Dict[str, Any],
    events: List[Dict[str, Any]],
    lock_s: float,
    restored: bool,
) -> None:
    after_s = seconds_between(events, "started", "redelivered")
    s.report.row(
        "forced kill of a worker mid-job",
        f"redelivered {format_seconds(after_s)} after the start "
        f"(lock {lock_s:g} s), {record.get('status')}, "
        f"worker {record.get('worker_pod')}",
    )
    s.report.check(
        "the killed worker's job ran again and completed on another worker (tries 2)",
        record.get("status") == "complete"
        and record.get("tries") == 2
        and record.get("worker_pod") != pod
        and count_events(events, "started") == 2,
        f"tries {record.get('tries')}, worker {record.get('worker_pod')}",
    )
    s.report.check(
        "the job ran again only after its lock expired",
        after_s is not None and after_s >= lock_s - 1,
        f"{format_seconds(after_s)} after the first start, lock {lock_s:g} s",
    )
    s.report.check(
        f"Deployment worker restored {WORKERS} Ready pods after the kill", restored
    )
    s.report.data["forced"] = {
        "killed_pod": pod,
        "record": record,
        "events": events,
        "lock_s": lock_s,
        "redelivered_after_s": after_s,
    }
