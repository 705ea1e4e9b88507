"""IPC demo steps around Redis: a restart with queued jobs, and a Pod that the
NetworkPolicy should keep out."""

from __future__ import annotations

from typing import Optional, Tuple

from demos.ipc.cluster import (
    NAMESPACE,
    QUEUE_KEY,
    REDIS_POD,
    REDIS_SELECTOR,
    WORKERS,
    redis_cli,
    redis_uid,
    wait_no_workers,
    wait_redis_replaced,
    wait_workers,
)
from demos.ipc.session import IpcSession
from demos.report import format_seconds
from demos.waiting import Stopwatch, WaitTimeout, wait_for

RESTART_JOBS = 10
RESTART_BODY = {"a": 5, "b": 5, "op": "add", "work_s": 0.2}
PROBE_JOB = "ipc/extra/redis-probe-job.yaml"
PROBE_SELECTOR = "app.kubernetes.io/name=redis-probe"
# Exit code of coreutils `timeout` when the command ran out of time.
TIMEOUT_EXIT_CODE = 124


def redis_restart(s: IpcSession) -> None:
    s.console.step("Delete the Redis Pod with jobs queued: the jobs survive")
    s.console.note("The workers stop first, so that the jobs stay in the queue.")
    s.kube.run(["scale", "deployment/worker", "--replicas=0"], NAMESPACE)
    wait_no_workers(s.ctx)
    job_ids = s.enqueue_many(RESTART_JOBS, RESTART_BODY)
    before = redis_cli(s.ctx, "ZCARD", QUEUE_KEY, plan_output=str(RESTART_JOBS))

    back_s = delete_redis_pod(s)
    s.kube.run(["get", "pods,pvc", "-l", REDIS_SELECTOR], NAMESPACE)
    after = redis_cli(s.ctx, "ZCARD", QUEUE_KEY, plan_output=str(RESTART_JOBS))

    s.kube.run(["scale", "deployment/worker", f"--replicas={WORKERS}"], NAMESPACE)
    workers_back = wait_workers(s.ctx, WORKERS)
    s.wait_queue_empty(120)
    records = s.records(job_ids)
    if s.plan:
        return

    complete = sum(1 for r in records if r.get("status") == "complete")
    s.report.row(
        f"Redis restart with {RESTART_JOBS} queued jobs",
        f"{before} queued before, {after} after; {complete} completed; "
        f"Redis Ready after {format_seconds(back_s)}",
    )
    s.report.check(
        "the queued jobs survived the Redis restart",
        before.isdigit() and int(before) >= RESTART_JOBS and after == before,
        f"{before} before, {after} after",
    )
    s.report.check(
        f"all {RESTART_JOBS} jobs queued before the restart completed after it",
        workers_back and complete == RESTART_JOBS,
        f"{complete} complete",
    )
    s.report.data["redis_restart"] = {
        "queued_before": before,
        "queued_after": after,
        "completed": complete,
        "ready_after_s": back_s,
    }
    s.console.pause()


def delete_redis_pod(s: IpcSession) -> Optional[float]:
    """Delete redis-0 and wait for its replacement; return the seconds it took."""
    old_uid = None if s.plan else redis_uid(s.ctx)
    watch = Stopwatch()
    s.kube.run(["delete", "pod", REDIS_POD], NAMESPACE, timeout_s=120)
    s.console.note(
        "The StatefulSet creates redis-0 again with the same claim data-redis-0. "
        "Redis reads its append-only file back before it answers PING."
    )
    if not wait_redis_replaced(s.ctx, old_uid) or s.plan:
        return None
    back_s = watch.elapsed_s()
    s.console.ok(f"Redis Ready again after {format_seconds(back_s)}")
    return back_s


def probe_exit_code(s: IpcSession) -> Optional[Tuple[int]]:
    """Return (exit code,) of the finished probe container, or None while it runs."""
    for pod in s.kube.pods(NAMESPACE, PROBE_SELECTOR):
        for status in pod.get("status", {}).get("containerStatuses", []) or []:
            terminated = status.get("state", {}).get("terminated")
            if terminated:
                return (int(terminated.get("exitCode", -1)),)
    return None


def probe_verdict(code: Optional[int]) -> Tuple[str, str]:
    """Return (verdict, explanation) for the probe's exit code."""
    if code == 0:
        return (
            "not enforced: the probe Pod reached Redis",
            "The probe got PONG, so this cluster's CNI plugin does not enforce "
            "NetworkPolicy (minikube's default one does not). Start a profile with "
            "`minikube start --cni=calico` to see the policy take effect.",
        )
    if code == TIMEOUT_EXIT_CODE:
        return (
            "enforced: the probe Pod's connection timed out",
            "The connection timed out: the CNI plugin enforces the policy.",
        )
    return (
        f"unclear: the probe exited with code {code}",
        f"The probe exited with code {code}. Its log above says why.",
    )


def network_policy(s: IpcSession) -> None:
    s.console.step("NetworkPolicy: only the API and the workers may reach Redis")
    s.kube.run(["describe", "networkpolicy", "redis"], NAMESPACE)
    s.console.note("A Pod without those labels tries redis-cli ping:")
    # Applying a finished Job again does not run it, so a re-run needs a new Job.
    s.kube.run(["delete", "job", "redis-probe", "--ignore-not-found"], NAMESPACE)
    s.kube.run(["apply", "-f", PROBE_JOB])

    code: Optional[int] = None
    if not s.plan:
        try:
            code = wait_for(lambda: probe_exit_code(s), "the redis-probe Job", 90)[0]
        except WaitTimeout as error:
            s.console.fail(str(error))
    s.kube.run(["logs", "job/redis-probe"], NAMESPACE, check=False)
    s.kube.run(["delete", "job", "redis-probe"], NAMESPACE)
    if s.plan:
        return

    verdict, explanation = probe_verdict(code)
    s.console.note(explanation)
    s.report.row("NetworkPolicy redis", verdict)
    s.report.data["network_policy"] = {"exit_code": code, "verdict": verdict}
