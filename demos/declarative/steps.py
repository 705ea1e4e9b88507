"""The declarative demo's settings, and its create-twice and apply-twice steps."""

from __future__ import annotations

import os

from demos.declarative.files import (
    all_unchanged,
    already_exists,
    apply_actions,
    summarize_actions,
)
from demos.framework import Context
from demos.report import Report
from demos.shell import Result

NAMESPACE = "declarative-demo"
SOURCE = "declarative"
SELECTOR = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web"
# Every object of the folder carries this label. --prune deletes the labelled
# objects of the allowed kinds that the folder no longer contains.
PRUNE_LABEL = "k8s-demo/folder=declarative"
# Without an allowlist and without -n, kubectl prunes a built-in list of kinds
# that includes Namespace, so it could delete a labelled namespace elsewhere.
PRUNE_ALLOWLIST = ("core/v1/ConfigMap", "core/v1/Service", "apps/v1/Deployment")
DEPLOYMENT_FILE = "20-deployment.yaml"
PRUNED_FILE = "30-service.yaml"
PRUNED_OBJECT = "service/web"
REPLICAS = 2
EDITED_REPLICAS = 3
MANUAL_REPLICAS = 5
READY_TIMEOUT_S = 180
PRUNE_TIMEOUT_S = 60


def working_copy(ctx: Context) -> str:
    """Return the working copy's folder, with the trailing slash kubectl gets."""
    return os.path.join(ctx.settings.out_dir, SOURCE, "")


def add_row(ctx: Context, report: Report, step: str, result: str) -> None:
    report.row(step, "-" if ctx.plan else result)


def outcome(result: Result) -> str:
    """Summarize a create or apply: the count per action, or the failure."""
    if not result.ok:
        reason = "AlreadyExists" if already_exists(result.stderr) else "failed"
        return f"{reason}, exit code {result.returncode}"
    return summarize_actions(apply_actions(result.stdout)) or "done"


def create_twice(ctx: Context, report: Report, copy: str) -> None:
    ctx.console.step("kubectl create twice: the second create fails")
    first = ctx.kube.run(["create", "-f", copy], check=False)
    ctx.console.note("The same command again:")
    second = ctx.kube.run(["create", "-f", copy], check=False)
    output = second.stdout + second.stderr
    add_row(ctx, report, "create -f, 1st", outcome(first))
    add_row(ctx, report, "create -f, 2nd", outcome(second))
    report.data["second_create_exit_code"] = second.returncode
    report.check("the first kubectl create created every object", first.ok)
    report.check(
        "the second kubectl create failed with AlreadyExists",
        not second.ok and already_exists(output),
        f"exit code {second.returncode}",
    )
    ctx.console.pause()


def apply_twice(ctx: Context, report: Report, copy: str) -> None:
    ctx.console.step("kubectl apply twice: the second apply changes nothing")
    ctx.console.note(
        "The first apply takes over what create made: it warns that the "
        "last-applied-configuration annotation is missing and adds it."
    )
    first = ctx.kube.run(["apply", "-f", copy])
    ctx.console.note("The same command again:")
    second = ctx.kube.run(["apply", "-f", copy])
    add_row(ctx, report, "apply -f, 1st", outcome(first))
    add_row(ctx, report, "apply -f, 2nd", outcome(second))
    report.data["second_apply"] = apply_actions(second.stdout)
    report.check(
        "the second kubectl apply left every object unchanged",
        all_unchanged(second.stdout),
        summarize_actions(apply_actions(second.stdout)),
    )
    ctx.kube.run(
        ["rollout", "status", "deployment/web", "--timeout=300s"],
        NAMESPACE,
        timeout_s=330,
    )
    ctx.console.pause()
