"""IPC demo steps with many jobs: a burst shared by the workers, then the same
with twice the workers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from demos.ipc.cluster import (
    NAMESPACE,
    QUEUE_KEY,
    SCALED_WORKERS,
    WORKER_SELECTOR,
    WORKERS,
    redis_cli,
    wait_workers,
)
from demos.ipc.jobs import jobs_per_pod, ran_once, throughput
from demos.ipc.session import IpcSession
from demos.report import format_table

BURST_JOBS = 20
BURST_BODY = {"a": 1, "b": 2, "op": "add", "work_s": 0.5}
# Short jobs, so that the number of workers, not the work, sets the pace.
SCALE_JOBS = 40
SCALE_BODY = {"a": 1, "b": 2, "op": "add", "work_s": 0.25}
# Twice the workers should give close to twice the jobs per second; anything
# below this ratio means the extra workers did not take part.
MIN_SPEEDUP = 1.3
BURST_TIMEOUT_S = 120


def run_burst(
    s: IpcSession, count: int, body: Dict[str, Any]
) -> Tuple[List[Dict[str, Any]], List[str]]:
    """Enqueue ``count`` jobs, show the queue depth, wait until all have run."""
    with s.muted(f"for the {count} jobs"):
        job_ids = s.enqueue_many(count, body)
        depth = redis_cli(s.ctx, "ZCARD", QUEUE_KEY, plan_output="<jobs in the queue>")
        s.console.note(f"Jobs in the queue right after enqueuing: {depth}")
        s.wait_queue_empty(BURST_TIMEOUT_S)
    return s.records(job_ids), job_ids


def print_per_pod(s: IpcSession, records: Sequence[Dict[str, Any]]) -> None:
    rows = jobs_per_pod(records)
    if rows:
        s.console.write(format_table(("worker pod", "jobs"), rows))


def burst(s: IpcSession) -> None:
    s.console.step(
        f"A burst of {BURST_JOBS} jobs: the workers share them, each job runs once"
    )
    s.console.note(
        "Each worker runs one job at a time (MAX_JOBS=1) and takes the next one "
        "from the queue when it is free."
    )
    records, job_ids = run_burst(s, BURST_JOBS, BURST_BODY)
    events = s.events_of(job_ids)
    print_per_pod(s, records)
    if s.plan:
        return

    complete = [r for r in records if r.get("status") == "complete"]
    once = [job_id for job_id in job_ids if ran_once(events.get(job_id, []))]
    pods = jobs_per_pod(records)

    s.report.row(
        f"burst of {BURST_JOBS} jobs",
        ", ".join(f"{pod}: {count}" for pod, count in pods),
    )
    s.report.check(
        f"all {BURST_JOBS} jobs of the burst completed",
        len(complete) == BURST_JOBS,
        f"{len(complete)} complete",
    )
    s.report.check(
        "every job of the burst ran exactly once (one started, one completed event)",
        len(once) == BURST_JOBS,
        f"{len(once)} of {BURST_JOBS}",
    )
    s.report.check(
        f"the {WORKERS} workers shared the burst",
        len(pods) >= WORKERS,
        f"{len(pods)} worker pods took jobs",
    )
    s.report.data["burst"] = {"jobs": BURST_JOBS, "per_pod": dict(pods)}
    s.console.pause()


def measure(s: IpcSession, workers: int) -> Optional[Tuple[float, float]]:
    s.console.note(
        f"{SCALE_JOBS} jobs of {SCALE_BODY['work_s']} s with {workers} workers:"
    )
    records, _ = run_burst(s, SCALE_JOBS, SCALE_BODY)
    print_per_pod(s, records)
    measured = throughput(records)
    if measured:
        s.console.ok(
            f"{workers} workers: {measured[0]:.1f} jobs/s "
            f"({SCALE_JOBS} jobs in {measured[1]:.1f} s)"
        )
    return measured


def scale_workers(s: IpcSession) -> None:
    s.console.step(
        f"Scale the workers from {WORKERS} to {SCALED_WORKERS}: the throughput grows"
    )
    before = measure(s, WORKERS)

    s.kube.run(
        ["scale", "deployment/worker", f"--replicas={SCALED_WORKERS}"], NAMESPACE
    )
    scaled = wait_workers(s.ctx, SCALED_WORKERS)
    s.kube.run(["get", "pods", "-l", WORKER_SELECTOR], NAMESPACE)

    after = measure(s, SCALED_WORKERS)
    if s.plan:
        return

    rows = [
        (workers, f"{m[0]:.1f}", f"{m[1]:.1f}") if m else (workers, "-", "-")
        for workers, m in ((WORKERS, before), (SCALED_WORKERS, after))
    ]
    s.console.write(format_table(("workers", "jobs/s", "seconds"), rows))
    speedup = after[0] / before[0] if before and after else 0.0

    for workers, cell, _ in rows:
        s.report.row(f"{SCALE_JOBS} jobs with {workers} workers", f"{cell} jobs/s")
    s.report.check(f"Deployment worker reached {SCALED_WORKERS} Ready pods", scaled)
    s.report.check(
        f"{SCALED_WORKERS} workers processed jobs at least {MIN_SPEEDUP}x as fast "
        f"as {WORKERS}",
        speedup >= MIN_SPEEDUP,
        f"{speedup:.2f}x",
    )
    s.report.data["throughput"] = {
        WORKERS: before[0] if before else None,
        SCALED_WORKERS: after[0] if after else None,
    }
    s.console.pause()
