"""The declarative demo's drift steps: edit and diff, scale by hand, re-apply."""

from __future__ import annotations

import os
from typing import Optional

from demos.declarative.files import diff_sets_replicas, edit_replicas
from demos.declarative.steps import (
    DEPLOYMENT_FILE,
    EDITED_REPLICAS,
    MANUAL_REPLICAS,
    NAMESPACE,
    READY_TIMEOUT_S,
    REPLICAS,
    SELECTOR,
    add_row,
)
from demos.framework import Context
from demos.report import Report
from demos.waiting import WaitTimeout


def diff_then_apply(ctx: Context, report: Report, copy: str) -> None:
    path = os.path.join(copy, DEPLOYMENT_FILE)
    ctx.console.step(
        f"Edit the copy (replicas {REPLICAS} -> {EDITED_REPLICAS}): "
        "kubectl diff shows the change first"
    )
    if not ctx.plan:
        edit_replicas(path, EDITED_REPLICAS)
    ctx.console.note(f"Edited {path}: replicas: {EDITED_REPLICAS}")
    run_diff(ctx, report, copy, "diff -f after the edit", EDITED_REPLICAS)
    live = live_replicas(ctx)
    report.check(
        f"kubectl diff changed nothing: the Deployment still wants {REPLICAS}",
        live == REPLICAS,
        f"spec.replicas {live}",
    )
    ctx.console.pause()

    ctx.console.step("Apply the edited copy")
    ctx.kube.run(["apply", "-f", copy])
    wait_replicas_ready(ctx, report, EDITED_REPLICAS, "apply -f after the edit")
    ctx.console.pause()


def scale_by_hand(ctx: Context, report: Report, copy: str) -> None:
    ctx.console.step(
        f"Scale by hand to {MANUAL_REPLICAS}: the next apply restores {EDITED_REPLICAS}"
    )
    ctx.kube.run(
        ["scale", "deployment/web", f"--replicas={MANUAL_REPLICAS}"], NAMESPACE
    )
    wait_replicas_ready(ctx, report, MANUAL_REPLICAS, "scale by hand")
    ctx.console.note("The cluster now differs from the folder, as diff shows:")
    run_diff(ctx, report, copy, "diff -f after the scale", EDITED_REPLICAS)
    ctx.kube.run(["apply", "-f", copy])
    wait_replicas_ready(ctx, report, EDITED_REPLICAS, "apply -f again")
    live = live_replicas(ctx)
    report.data["replicas_after_reapply"] = live
    report.check(
        f"the next apply set replicas back to the file's {EDITED_REPLICAS}",
        live == EDITED_REPLICAS,
        f"spec.replicas {live}",
    )
    ctx.console.pause()


def run_diff(ctx: Context, report: Report, copy: str, step: str, replicas: int) -> None:
    # kubectl diff exits with 1 when it finds differences, 0 when there are none.
    result = ctx.kube.run(["diff", "-f", copy], check=False)
    add_row(ctx, report, step, f"exit code {result.returncode}")
    report.data.setdefault("diff_exit_codes", []).append(result.returncode)
    if result.returncode > 1:
        ctx.console.fail(
            f"kubectl diff failed with exit code {result.returncode}: it needs a "
            "diff program on PATH, or one named in KUBECTL_EXTERNAL_DIFF"
        )
    report.check(
        f"kubectl diff ({step}) showed replicas: {replicas}",
        result.returncode == 1 and diff_sets_replicas(result.stdout, replicas),
        f"exit code {result.returncode}",
    )


def wait_replicas_ready(ctx: Context, report: Report, replicas: int, step: str) -> None:
    """Wait for ``replicas`` Ready pods, then show the Deployment."""
    ctx.console.note(f"Waiting until {replicas} pods are Ready")
    try:
        seconds = ctx.kube.wait_ready_count(
            NAMESPACE, SELECTOR, replicas, READY_TIMEOUT_S
        )
        reached = True
    except WaitTimeout as exc:
        ctx.console.fail(str(exc))
        seconds, reached = None, False
    ctx.kube.run(["get", "deployment/web"], NAMESPACE)
    detail = f"{replicas} pods Ready" if reached else "timed out"
    if seconds is not None:
        detail += f" after {seconds:.1f} s"
    add_row(ctx, report, step, detail)
    report.check(f"Deployment web reached {replicas} Ready pods ({step})", reached)


def live_replicas(ctx: Context) -> Optional[int]:
    deployment = ctx.kube.get_json(
        ["get", "deployment/web"], NAMESPACE, plan_value={"spec": {}}
    )
    return deployment.get("spec", {}).get("replicas")
