"""IPC demo: a client calls the API, the API enqueues jobs in Redis, workers run
them and store results in Redis, and the API returns them.

The steps show the work shared without duplicates, a gracefully deleted
worker finishing its job, a killed worker's job delivered again after its lock
expires, throughput growing with workers, and queued jobs surviving a Redis
restart. A live feed of the job events runs alongside.
"""

from __future__ import annotations

from typing import List

from demos.framework import Context, Demo
from demos.ipc.burst_steps import burst, scale_workers
from demos.ipc.call_steps import async_calculation, sync_calculation
from demos.ipc.cluster import NAMESPACE
from demos.ipc.redis_steps import network_policy, redis_restart
from demos.ipc.session import IpcSession
from demos.ipc.worker_faults import forced_kill, graceful_delete
from demos.report import Report
from demos.waiting import wait_for

# The official multi-arch image; the manifests name the same tag.
REDIS_IMAGE = "redis:8.6.7"
STEPS = (
    sync_calculation,
    async_calculation,
    burst,
    graceful_delete,
    forced_kill,
    scale_workers,
    redis_restart,
    network_policy,
)


def show_topology(s: IpcSession) -> None:
    s.console.step("Client -> API -> Redis -> worker: what runs in ipc-demo")
    s.kube.run(
        ["get", "statefulsets,deployments,services,pvc,networkpolicies"], NAMESPACE
    )
    s.kube.run(["get", "pods"], NAMESPACE)
    for line in (
        "client -> Service api (NodePort) -> API Pods (2): enqueue the job in Redis",
        "Service redis (ClusterIP) -> redis-0 (exactly 1, append-only file on PVC)",
        "worker Pods (2) take jobs from Redis and store each result in Redis",
        "the API Pod reads the result from Redis and returns it to the client",
    ):
        s.console.note(line)
    s.console.pause()


def claimed_volumes(ctx: Context) -> List[str]:
    """Return the PersistentVolumes bound to claims in the demo's namespace."""
    volumes = ctx.kube.get_json(["get", "pv"])
    return [
        pv["metadata"]["name"]
        for pv in volumes.get("items", [])
        if (pv.get("spec", {}).get("claimRef") or {}).get("namespace") == NAMESPACE
    ]


class IpcDemo(Demo):
    name = "ipc"
    title = "IPC: API -> Redis -> worker, shared work, redelivery, a durable queue"
    namespace = NAMESPACE
    manifests = "ipc/"
    images = ("api", "worker")
    restart_on_rebuild = ("deployment/api", "deployment/worker")
    pulled_images = (REDIS_IMAGE,)

    def wait_ready(self, ctx: Context) -> None:
        ctx.kube.run(
            ["rollout", "status", "statefulset/redis", "--timeout=300s"],
            NAMESPACE,
            timeout_s=330,
        )
        super().wait_ready(ctx)

    def steps(self, ctx: Context, report: Report) -> None:
        report.headers = ("step", "result")
        session = IpcSession(ctx, report)
        show_topology(session)
        ctx.console.step("Reach the API from this machine and follow the job events")
        try:
            session.connect()
            for step in STEPS:
                step(session)
        finally:
            session.close()

    def clean(self, ctx: Context) -> None:
        """Delete the namespace, then wait until its volumes are deleted too.

        Deleting the namespace deletes the claim data-redis-0; the volume behind
        it goes a moment later (reclaim policy Delete), so a re-run starts with
        an empty queue.
        """
        super().clean(ctx)
        if ctx.plan:
            return
        ctx.console.note("Waiting until the volumes of the claims in ipc-demo are gone")
        wait_for(
            lambda: not claimed_volumes(ctx), "the ipc-demo volumes to be deleted", 120
        )
        ctx.console.ok("Namespace ipc-demo and its volumes are gone.")


DEMO = IpcDemo()
