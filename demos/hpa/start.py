"""Start the HPA demo's load: the Job, its prediction, and the wait for its pod."""

from __future__ import annotations

import os
from typing import Dict, List

from demos.framework import Context
from demos.hpa.formula import utilization_percent
from demos.hpa.load import (
    CPU_REQUEST_M,
    JOB_FILE,
    JOB_PATH,
    MAX_REPLICAS,
    MIN_REPLICAS,
    RENDERED_NAME,
    TARGET_PERCENT,
    LoadKnobs,
    predict_replicas,
    render_job,
)
from demos.hpa.watch import JOB_NAME, NAMESPACE, WEB_SELECTOR, Watch
from demos.kube import waiting_reasons
from demos.waiting import WaitTimeout, wait_for

LOAD_SELECTOR = "app.kubernetes.io/name=loadgen,app.kubernetes.io/instance=loadgen"
LOAD_START_TIMEOUT_S = 180
LOAD_POLL_INTERVAL_S = 1.0


def job_manifest(ctx: Context, overrides: Dict[str, str]) -> str:
    """Return the Job manifest to create: the file, or a copy with overrides."""
    if not overrides:
        return JOB_PATH
    path = os.path.join(ctx.settings.out_dir, RENDERED_NAME)
    settings = " ".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    ctx.console.note(f"{settings} differ from {JOB_PATH}, so the demo writes {path}")
    if not ctx.plan:
        text = render_job(JOB_FILE.read_text(encoding="utf-8"), overrides)
        header = f"# Written by `make demo-hpa` from {JOB_PATH} with {settings}.\n"
        with open(ctx.out_path(RENDERED_NAME), "w", encoding="utf-8") as f:
            f.write(header + text)
    return path


def start_load(
    ctx: Context,
    watch: Watch,
    knobs: LoadKnobs,
    overrides: Dict[str, str],
) -> None:
    """Create the load Job and start the watch's clock once its pod runs."""
    console = ctx.console
    console.step("Start the load: Job loadgen runs locust inside the cluster")

    percent = utilization_percent(knobs.offered_cpu_m, CPU_REQUEST_M)
    console.note(
        f"{knobs.users} users x {knobs.user_rps:g} request/s x GET /cpu?ms="
        f"{knobs.cpu_ms} = {knobs.offered_cpu_m:g}m of CPU, plus serving costs."
    )
    console.note(
        f"On {MIN_REPLICAS} pod with a {CPU_REQUEST_M}m request that is "
        f"{percent:.0f}% against a {TARGET_PERCENT}% target: the formula asks for "
        f"{predict_replicas(knobs)} replicas (max {MAX_REPLICAS})."
    )
    if not knobs.close_connections:
        console.note(
            "LOAD_CLOSE_CONNECTIONS=false: each user keeps its connection, so "
            "pods added later get no requests from it."
        )

    manifest = job_manifest(ctx, overrides)
    # Counters before the load, so that an earlier run's requests do not count.
    baseline = {} if ctx.plan else watch.reader.counters(web_pods(ctx))
    ctx.kube.run(["create", "-f", manifest])
    if not ctx.plan:
        wait_load_pod(ctx)
    watch.start(baseline)
    ctx.kube.run(["get", "pods", "-l", LOAD_SELECTOR], NAMESPACE)

    context = ctx.settings.context
    console.note("To watch by hand, in a second terminal:")
    console.note(f"  kubectl --context {context} -n {NAMESPACE} get hpa web --watch")
    console.note(f"  kubectl --context {context} -n {NAMESPACE} logs -f job/{JOB_NAME}")


def web_pods(ctx: Context) -> List[str]:
    return [
        p["metadata"]["name"]
        for p in ctx.kube.pods(NAMESPACE, WEB_SELECTOR)
        if p.get("status", {}).get("phase") == "Running"
    ]


def wait_load_pod(ctx: Context) -> None:
    """Wait until the loadgen pod runs; name its waiting reason on timeout."""
    last: list = []

    def running() -> bool:
        last[:] = ctx.kube.pods(NAMESPACE, LOAD_SELECTOR)
        phases = {p.get("status", {}).get("phase") for p in last}
        return bool(phases & {"Running", "Succeeded", "Failed"})

    try:
        wait_for(
            running,
            "the loadgen pod to run",
            LOAD_START_TIMEOUT_S,
            LOAD_POLL_INTERVAL_S,
        )
    except WaitTimeout as exc:
        reasons = ", ".join(waiting_reasons(last)) or "no waiting reason reported"
        raise WaitTimeout(
            f"{exc} ({reasons}); check that `make images` built "
            "k8s-demo/loadgen:0.1.0 inside the minikube node"
        ) from exc
