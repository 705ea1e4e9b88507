"""Follow the HPA demo's load to its end and the scale-down back to the minimum."""

from __future__ import annotations

from demos.framework import Context
from demos.hpa.load import MIN_REPLICAS, LoadKnobs
from demos.hpa.results import show_served
from demos.hpa.status import JOB_FAILED, JOB_RUNNING, parse_summary
from demos.hpa.timeline import PHASE_COOLDOWN, PHASE_LOAD
from demos.hpa.watch import (
    JOB_NAME,
    NAMESPACE,
    WEB_SELECTOR,
    Reading,
    Watch,
    metrics_path,
)
from demos.kube import ready_pod_names
from demos.report import Report

# After the Job's run time: locust's shutdown plus the Job controller's update.
LOAD_STOP_GRACE_S = 180
COOLDOWN_TIMEOUT_S = 600


def watch_load(ctx: Context, watch: Watch, knobs: LoadKnobs) -> None:
    """Print a table row every few seconds until the load Job finishes."""
    console = ctx.console
    console.step(f"Watch the HPA while the load runs ({knobs.duration_s} s)")
    console.note(
        "Requests/s and serving pods come from each web pod's own request "
        "counter, read through the API server's pod proxy:"
    )
    if ctx.plan:
        pods = ["<pod-1>"]
    else:
        pods = ready_pod_names(ctx.kube.pods(NAMESPACE, WEB_SELECTOR))
    if pods:
        result = ctx.runner.run(
            ctx.kube.argv(["get", "--raw", metrics_path(pods[0])]),
            check=False,
            echo_output=False,
        )
        for line in result.stdout.splitlines():
            if line.startswith("web_http_requests_total"):
                console.write(line)
    console.note(
        "formula = ceil(replicas x cpu / target), unchanged within 10% of the "
        "target. It differs from desired just after a scale-up (the HPA counts "
        "pods without a CPU reading as 0%) and during the 60 s scale-down "
        "window. The first scale-up comes 1-2 minutes after the load starts, "
        "because metrics-server reads CPU every 60 s."
    )
    watch.print_header()
    if ctx.plan:
        console.note("(a row every 5 s until the load Job finishes)")
    else:
        done = watch.run_until(
            PHASE_LOAD,
            lambda reading: reading.job != JOB_RUNNING,
            knobs.duration_s + LOAD_STOP_GRACE_S,
        )
        if not done:
            console.fail("the load Job is still running after its run time")
    ctx.kube.run(["get", "hpa", "web"], NAMESPACE)


def show_load_result(ctx: Context, report: Report, watch: Watch) -> None:
    ctx.console.step("The load stopped: locust's summary and the serving pods")
    ctx.kube.run(["get", "job", JOB_NAME], NAMESPACE)
    ctx.kube.run(["logs", f"job/{JOB_NAME}", "--tail=20"], NAMESPACE)
    if ctx.plan:
        return
    logs = ctx.kube.run(["logs", f"job/{JOB_NAME}"], NAMESPACE, show=False, check=False)
    summary = parse_summary(logs.stdout) or {}
    state = watch.reader.job()
    report.data["loadgen_summary"] = summary
    report.check(
        "locust finished with no failed request",
        state != JOB_FAILED and bool(summary) and summary.get("failures") == 0,
        f"{summary.get('requests', '?')} requests, "
        f"{summary.get('failures', '?')} failed, Job {state}",
    )
    show_served(ctx, watch.traffic.served(), summary.get("pods", {}))
    ctx.console.pause()


def follow_scale_down(ctx: Context, watch: Watch) -> None:
    ctx.console.step(f"Follow the scale-down to the minimum of {MIN_REPLICAS}")
    ctx.console.note(
        "The CPU reading drops at metrics-server's next scrape (up to 60 s); then "
        "the HPA keeps the highest count of the last 60 s (behavior.scaleDown."
        "stabilizationWindowSeconds, 300 s by default) before scaling in."
    )
    if not ctx.plan:

        def at_minimum(reading: Reading) -> bool:
            hpa = reading.hpa
            return (
                hpa.current_replicas == hpa.desired_replicas == MIN_REPLICAS
                and len(reading.ready) == MIN_REPLICAS
            )

        if not watch.run_until(PHASE_COOLDOWN, at_minimum, COOLDOWN_TIMEOUT_S):
            ctx.console.fail(
                f"web is not back at {MIN_REPLICAS} replica after "
                f"{COOLDOWN_TIMEOUT_S} s"
            )
    ctx.kube.run(["get", "hpa", "web"], NAMESPACE)
    ctx.kube.run(["describe", "hpa", "web"], NAMESPACE)
    ctx.console.pause()


def stop_load(ctx: Context) -> None:
    """Delete the load Job without waiting, so that Ctrl-C ends the demo at once."""
    ctx.kube.run(
        ["delete", "job", JOB_NAME, "--ignore-not-found", "--wait=false"],
        NAMESPACE,
        check=False,
    )
