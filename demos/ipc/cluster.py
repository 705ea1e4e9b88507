"""The IPC demo's names in the cluster, and the kubectl waits its steps share."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from demos.framework import Context
from demos.waiting import WaitTimeout, wait_for

NAMESPACE = "ipc-demo"
API_SELECTOR = "app.kubernetes.io/name=api,app.kubernetes.io/instance=api"
WORKER_SELECTOR = "app.kubernetes.io/name=worker,app.kubernetes.io/instance=worker"
REDIS_SELECTOR = "app.kubernetes.io/name=redis,app.kubernetes.io/instance=redis"
REDIS_POD = "redis-0"
QUEUE_KEY = "ipc:queue"
# arq's lock on a running job; it expires JOB_TIMEOUT_S + 10 s after it was set.
IN_PROGRESS_PREFIX = "arq:in-progress:"
READY_TIMEOUT_S = 180
# Worker replicas in the manifest, and the count the scaling step goes to.
WORKERS = 2
SCALED_WORKERS = 4


def redis_cli(ctx: Context, *args: str, plan_output: str = "") -> str:
    """Run redis-cli inside the Redis Pod and return its output."""
    result = ctx.kube.run(
        ["exec", REDIS_POD, "-c", "redis", "--", "redis-cli"] + list(args),
        NAMESPACE,
        plan_output=plan_output,
    )
    return result.stdout.strip()


def wait_workers(ctx: Context, count: int, replaced: Sequence[str] = ()) -> bool:
    """Wait for ``count`` Ready worker pods; on timeout print why and return False."""
    try:
        ctx.kube.wait_ready_count(
            NAMESPACE, WORKER_SELECTOR, count, READY_TIMEOUT_S, replaced
        )
    except WaitTimeout as error:
        ctx.console.fail(str(error))
        return False
    return True


def pod_names(ctx: Context, selector: str) -> List[str]:
    return [p["metadata"]["name"] for p in ctx.kube.pods(NAMESPACE, selector)]


def wait_no_workers(ctx: Context, timeout_s: float = 90) -> None:
    """Wait until every worker Pod has exited, not only been marked for deletion."""
    ctx.kube.run(
        ["wait", "--for=delete", "pod", "-l", WORKER_SELECTOR, "--timeout=90s"],
        NAMESPACE,
        check=False,
        timeout_s=timeout_s + 30,
    )
    if not ctx.plan:
        wait_for(
            lambda: not pod_names(ctx, WORKER_SELECTOR),
            "every worker pod to exit",
            timeout_s,
        )


def wait_pod_gone(ctx: Context, pod: str, timeout_s: float = 60) -> None:
    if not ctx.plan:
        wait_for(
            lambda: pod not in pod_names(ctx, WORKER_SELECTOR),
            f"pod {pod} to be gone",
            timeout_s,
        )


def worker_setting(ctx: Context, name: str, default: float) -> float:
    """Read a numeric env value of the worker Deployment (``default`` if unset)."""
    deployment = ctx.kube.get_json(["get", "deployment/worker"], NAMESPACE)
    template: Dict[str, Any] = deployment.get("spec", {}).get("template", {})
    containers = template.get("spec", {}).get("containers", [])
    for env in containers[0].get("env", []) if containers else []:
        if env.get("name") == name and "value" in env:
            try:
                return float(env["value"])
            except ValueError:
                break
    return default


def redis_uid(ctx: Context) -> Optional[str]:
    pods = ctx.kube.pods(NAMESPACE, REDIS_SELECTOR)
    return pods[0]["metadata"]["uid"] if pods else None


def wait_redis_replaced(ctx: Context, old_uid: Optional[str]) -> bool:
    """Wait until a Redis pod other than ``old_uid`` is Ready."""
    if ctx.plan:
        return True
    try:
        wait_for(lambda: redis_uid(ctx) not in (None, old_uid), "a new Redis pod", 120)
        ctx.kube.wait_ready_count(NAMESPACE, REDIS_SELECTOR, 1, READY_TIMEOUT_S)
    except WaitTimeout as error:
        ctx.console.fail(str(error))
        return False
    return True
