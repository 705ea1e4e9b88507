"""The steps every demo shares: prerequisites, cluster, images, apply, cleanup.

A demo module defines a ``Demo`` subclass and a module-level ``DEMO``; the
``make demo-NAME`` and ``make clean-NAME`` targets find it by module name.
"""

from __future__ import annotations

import os
from typing import List, Optional, Sequence

from demos.cluster import Minikube
from demos.console import Console, should_pause
from demos.kube import Kube
from demos.prereq import find_problems, format_problems
from demos.report import Report
from demos.settings import Settings
from demos.shell import CommandError, Runner
from demos.waiting import WaitTimeout


class Context:
    """The objects a demo's steps work with, built once from the settings."""

    def __init__(self, settings: Settings, console: Optional[Console] = None) -> None:
        self.settings = settings
        self.plan = settings.plan
        self.console = console or Console(
            pause=should_pause(settings.pause) and not self.plan
        )
        self.runner = Runner(self.console, plan=self.plan)
        self.kube = Kube(self.runner, settings.context)
        self.minikube = Minikube(settings, self.runner, self.console)

    def out_path(self, name: str) -> str:
        os.makedirs(self.settings.out_dir, exist_ok=True)
        return os.path.join(self.settings.out_dir, name)


class Demo:
    name = ""
    title = ""
    namespace = ""
    manifests = ""  # folder applied with `kubectl apply -f`
    images: Sequence[str] = ()
    # Workloads that keep an old image when a rebuild reuses the tag.
    restart_on_rebuild: Sequence[str] = ()
    addons: Sequence[str] = ()
    # Third-party images the manifests use, pulled ahead by `make prefetch`.
    pulled_images: Sequence[str] = ()
    # Headings of the apply and wait steps; None shows the defaults.
    apply_title: Optional[str] = None
    ready_title: Optional[str] = "Wait until every pod is Ready"

    def validate(self) -> None:
        """Reject the demo's own settings before anything starts (raise ValueError)."""

    def apply(self, ctx: Context) -> None:
        ctx.kube.run(["apply", "-f", self.manifests])

    def wait_ready(self, ctx: Context) -> None:
        for workload in self.restart_on_rebuild:
            ctx.kube.run(
                ["rollout", "status", workload, "--timeout=300s"],
                self.namespace,
                timeout_s=330,
            )

    def restart_after_rebuild(self, ctx: Context) -> None:
        for workload in self.restart_on_rebuild:
            ctx.kube.run(["rollout", "restart", workload], self.namespace)

    def steps(self, ctx: Context, report: Report) -> None:
        raise NotImplementedError

    def clean(self, ctx: Context) -> None:
        ctx.kube.delete_namespace(self.namespace)


def prepare(demo: Demo, ctx: Context) -> None:
    """Start the profile, build the images inside it, apply and wait until ready."""
    console = ctx.console
    console.step(
        f"Start the minikube profile {ctx.settings.profile} (if it is not running)"
    )
    ctx.minikube.up()
    for addon in demo.addons:
        ctx.minikube.enable_addon(addon)
    changed: List[str] = []
    if demo.images:
        console.step("Build the images inside the minikube node")
        console.note("The kubelet finds them there, so no registry is needed.")
        changed = ctx.minikube.build(demo.images)
    console.step(demo.apply_title or f"Apply {demo.manifests}")
    demo.apply(ctx)
    if changed:
        console.note(
            f"The rebuild changed {', '.join(changed)} under the same tag. Running "
            "pods keep the image they started with, so the demo restarts them."
        )
        demo.restart_after_rebuild(ctx)
    if demo.ready_title:
        console.step(demo.ready_title)
    demo.wait_ready(ctx)


def run_demo(
    demo: Demo, settings: Settings, console: Optional[Console] = None
) -> Report:
    """Run ``demo`` from prerequisites to verdict and return its report."""
    ctx = Context(settings, console)
    report = Report(demo.name)
    try:
        demo.validate()
    except ValueError as exc:
        raise PrerequisiteError(str(exc)) from exc
    if not ctx.plan:
        problems = find_problems(settings)
        if problems:
            raise PrerequisiteError(format_problems(problems))
    ctx.console.write(f"# {demo.title}")
    if ctx.plan:
        ctx.console.write("# Plan mode: the commands are printed, nothing runs.")
    try:
        prepare(demo, ctx)
        demo.steps(ctx, report)
    finally:
        ctx.runner.stop_background()
    ctx.console.write()
    ctx.console.write(report.render(plan=ctx.plan))
    if not ctx.plan:
        ctx.console.write(f"Clean up with: make clean-{demo.name}")
    return report


def clean_demo(demo: Demo, settings: Settings) -> None:
    ctx = Context(settings)
    if not ctx.kube.reachable():
        raise ClusterUnreachable(
            f"kubectl context {settings.context} does not respond, so there is "
            "nothing to clean up: the profile is stopped (make up starts it) or "
            "deleted (make down already removed everything)"
        )
    ctx.console.step(f"Remove everything the {demo.name} demo created")
    demo.clean(ctx)


class PrerequisiteError(RuntimeError):
    """The host lacks something the demos need; the message lists every problem."""


class ClusterUnreachable(RuntimeError):
    """The demos' kubectl context does not respond."""


FAILURES = (CommandError, WaitTimeout, PrerequisiteError, ClusterUnreachable)
