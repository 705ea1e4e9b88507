"""Declarative demo: create vs apply, diff before apply, drift and pruning."""

from __future__ import annotations

import os
import shutil

from demos.declarative.drift import diff_then_apply, scale_by_hand
from demos.declarative.files import make_working_copy
from demos.declarative.prune import prune
from demos.declarative.steps import (
    NAMESPACE,
    SOURCE,
    apply_twice,
    create_twice,
    working_copy,
)
from demos.framework import Context, Demo, PrerequisiteError
from demos.report import Report


class DeclarativeDemo(Demo):
    name = "declarative"
    title = "Declarative object management: create vs apply, diff, drift and pruning"
    namespace = NAMESPACE
    manifests = "declarative/"
    images = ("web",)

    apply_title = "Make a working copy of declarative/ (the steps change the copy)"
    ready_title = None

    def apply(self, ctx: Context) -> None:
        """Delete what a previous run left and make the working copy for the steps."""
        if ctx.kube.exists(f"namespace/{NAMESPACE}"):
            ctx.console.note(
                f"A previous run left namespace {NAMESPACE}: deleting it, so that "
                "the first kubectl create starts from nothing."
            )
            ctx.kube.delete_namespace(NAMESPACE)
        copy = working_copy(ctx)
        if not ctx.plan:
            try:
                make_working_copy(SOURCE, copy)
            except ValueError as exc:
                raise PrerequisiteError(str(exc)) from exc
        ctx.console.note(
            f"The demo edits a working copy, {copy}, and applies it step by step. "
            f"{self.manifests} itself never changes."
        )

    def wait_ready(self, ctx: Context) -> None:
        """Nothing is applied yet: the next step creates the objects."""

    def steps(self, ctx: Context, report: Report) -> None:
        report.headers = ("step", "result")
        copy = working_copy(ctx)
        create_twice(ctx, report, copy)
        apply_twice(ctx, report, copy)
        diff_then_apply(ctx, report, copy)
        scale_by_hand(ctx, report, copy)
        prune(ctx, report, copy)

    def clean(self, ctx: Context) -> None:
        super().clean(ctx)
        copy = working_copy(ctx)
        if not ctx.plan and os.path.isdir(copy):
            shutil.rmtree(copy)
            ctx.console.note(f"Removed the working copy {copy}")


DEMO = DeclarativeDemo()
