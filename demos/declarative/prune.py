"""The declarative demo's pruning steps: a plain apply, then apply --prune."""

from __future__ import annotations

import os

from demos.declarative.files import apply_actions, summarize_actions
from demos.declarative.steps import (
    NAMESPACE,
    PRUNE_ALLOWLIST,
    PRUNE_LABEL,
    PRUNE_TIMEOUT_S,
    PRUNED_FILE,
    PRUNED_OBJECT,
    add_row,
)
from demos.framework import Context
from demos.report import Report
from demos.waiting import WaitTimeout, wait_for


def prune(ctx: Context, report: Report, copy: str) -> None:
    path = os.path.join(copy, PRUNED_FILE)
    ctx.console.step(f"Remove {PRUNED_FILE} from the copy: apply alone keeps it")
    if not ctx.plan:
        os.remove(path)
    ctx.console.note(f"Removed {path}")
    ctx.kube.run(["apply", "-f", copy])
    ctx.kube.run(["get", PRUNED_OBJECT], NAMESPACE, check=False)
    still_exists = ctx.kube.exists(PRUNED_OBJECT, NAMESPACE)
    add_row(ctx, report, "apply -f without the file", f"{PRUNED_OBJECT} kept")
    report.check(f"a plain apply left {PRUNED_OBJECT} in the cluster", still_exists)
    ctx.console.pause()

    ctx.console.step("Apply with --prune: what left the folder leaves the cluster")
    allowlist = [f"--prune-allowlist={kind}" for kind in PRUNE_ALLOWLIST]
    result = ctx.kube.run(
        ["apply", "-f", copy, "--prune", "-l", PRUNE_LABEL] + allowlist
    )
    actions = apply_actions(result.stdout)
    # kubectl prints "pruned" once it has requested the deletion. The object
    # can stay a little longer while the API server finishes deleting it.
    reported = actions.get(PRUNED_OBJECT) == "pruned"
    deleted = reported and wait_gone(ctx, PRUNED_OBJECT)
    ctx.kube.run(["get", "deployments,services,configmaps"], NAMESPACE)
    report.data["pruned"] = [obj for obj, act in actions.items() if act == "pruned"]
    add_row(ctx, report, "apply -f --prune", summarize_actions(actions))
    report.check(
        f"apply --prune deleted {PRUNED_OBJECT}",
        deleted,
        summarize_actions(actions),
    )


def wait_gone(ctx: Context, kind_name: str) -> bool:
    try:
        wait_for(
            lambda: not ctx.kube.exists(kind_name, NAMESPACE),
            f"{kind_name} to be deleted",
            PRUNE_TIMEOUT_S,
        )
    except WaitTimeout as exc:
        ctx.console.fail(str(exc))
        return False
    return True
