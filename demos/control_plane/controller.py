"""The control plane demo's last step: a ReplicaSet controller replaces a pod."""

from __future__ import annotations

from typing import List, Sequence

from demos.control_plane.events import (
    EventRow,
    follow_up_events,
    found_expected,
    missing_events,
)
from demos.framework import Context
from demos.kube import ready_pod_names
from demos.report import Report, format_table
from demos.waiting import WaitTimeout, wait_for

NAMESPACE = "control-plane-demo"
SELECTOR = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web"
REPLICAS = 1
READY_TIMEOUT_S = 180
EVENTS_TIMEOUT_S = 60
EVENT_HEADERS = ("time", "reason", "object", "reported by", "message")


def show_controller_at_work(ctx: Context, report: Report) -> None:
    ctx.console.step("A controller at work: delete the pod of Deployment web")
    ctx.kube.run(["get", "deployment,replicaset,pods"], NAMESPACE)
    before = pod_names(ctx)
    victim = before[0] if before else "<pod-1>"
    ctx.kube.run(["delete", "pod", victim, "--wait=false"], NAMESPACE)
    ctx.console.note("Waiting until a new pod is Ready and its events are recorded")
    new_pods = wait_replacement(ctx, victim, before)
    rows = wait_events(ctx, victim, new_pods)
    ctx.kube.run(["events"], NAMESPACE)
    if not ctx.plan:
        ctx.console.note("The same events with the component that reported each:")
        ctx.console.write(format_table(EVENT_HEADERS, [r.cells() for r in rows]))
        check_events(report, victim, new_pods, rows)


def pod_names(ctx: Context) -> List[str]:
    return ready_pod_names(ctx.kube.pods(NAMESPACE, SELECTOR))


def wait_replacement(ctx: Context, victim: str, before: Sequence[str]) -> List[str]:
    try:
        ctx.kube.wait_ready_count(
            NAMESPACE, SELECTOR, REPLICAS, READY_TIMEOUT_S, replaced=[victim]
        )
    except WaitTimeout as exc:
        ctx.console.fail(str(exc))
    return [name for name in pod_names(ctx) if name not in before]


def wait_events(ctx: Context, victim: str, new_pods: Sequence[str]) -> List[EventRow]:
    """Wait until every expected event is recorded, and return the events found."""
    if ctx.plan or not new_pods:
        return []
    found: List[List[EventRow]] = [[]]

    def complete() -> bool:
        events = ctx.kube.get_json(["get", "events"], NAMESPACE)["items"]
        found[0] = follow_up_events(events, victim, new_pods)
        return not missing_events(found[0])

    try:
        wait_for(complete, "the events after the deletion", EVENTS_TIMEOUT_S, 1.0)
    except WaitTimeout as exc:
        missing = ", ".join(missing_events(found[0]))
        ctx.console.fail(f"{exc}. Missing events: {missing}")
    return found[0]


def check_events(
    report: Report, victim: str, new_pods: List[str], rows: List[EventRow]
) -> None:
    report.data["deleted_pod"] = victim
    report.data["new_pods"] = new_pods
    report.data["events"] = [(r.reason, r.object, r.component) for r in rows]
    report.check(
        "the ReplicaSet replaced the deleted pod",
        bool(new_pods),
        f"{victim} -> {', '.join(new_pods) or 'none'}",
    )
    for who, reasons, word in (
        ("the ReplicaSet controller", ("SuccessfulCreate",), "replicaset"),
        ("the scheduler", ("Scheduled",), "scheduler"),
        ("the kubelet", ("Pulled", "Created", "Started"), "kubelet"),
    ):
        seen = [r for r in reasons if found_expected(rows, r, word)]
        report.check(
            f"{who} recorded {', '.join(reasons)}",
            len(seen) == len(reasons),
            f"seen: {', '.join(seen) or 'none'}",
        )
