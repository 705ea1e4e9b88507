"""HPA demo: the web Deployment scales out under in-cluster locust load and back.

The demo waits until the Metrics API has a CPU reading of the web pod, then
starts the load Job and prints a live table until the load stops. It follows the
scale-down to the minimum, saves the timeline (CSV and PNG) and ends with a verdict.
"""

from __future__ import annotations

import os
from typing import Dict, Mapping, Optional, Tuple

from demos.framework import Context, Demo, PrerequisiteError
from demos.hpa.follow import (
    follow_scale_down,
    show_load_result,
    stop_load,
    watch_load,
)
from demos.hpa.load import (
    JOB_FILE,
    MIN_REPLICAS,
    LoadKnobs,
    load_overrides,
    parse_knobs,
    predict_replicas,
    read_job_values,
)
from demos.hpa.metrics import MetricsWait
from demos.hpa.results import save_timeline, verdict_to_report
from demos.hpa.start import start_load
from demos.hpa.watch import JOB_NAME, NAMESPACE, ClusterReader, Watch
from demos.report import Report

SAMPLE_INTERVAL_S = 5.0


class HpaDemo(Demo):
    name = "hpa"
    title = "HorizontalPodAutoscaler: web scales out under load and back in"
    namespace = NAMESPACE
    manifests = "hpa/"
    images = ("web", "loadgen")
    restart_on_rebuild = ("deployment/web",)
    addons = ("metrics-server",)

    def __init__(self, env: Optional[Mapping[str, str]] = None) -> None:
        self.env = env

    def knobs(self) -> Tuple[LoadKnobs, Dict[str, str]]:
        """Return the load's settings and the LOAD_* values that env overrides."""
        env = os.environ if self.env is None else self.env
        try:
            defaults = read_job_values(JOB_FILE.read_text(encoding="utf-8"))
            overrides = load_overrides(env, defaults)
            return parse_knobs({**defaults, **overrides}), overrides
        except ValueError as exc:
            raise PrerequisiteError(f"invalid load setting: {exc}") from exc

    def validate(self) -> None:
        self.knobs()

    def apply(self, ctx: Context) -> None:
        ctx.console.note(
            "Delete the load Job of a previous run, so that its load ends first:"
        )
        ctx.kube.run(
            [
                "delete",
                "job",
                JOB_NAME,
                "--ignore-not-found",
                "--cascade=foreground",
                "--wait=true",
            ],
            NAMESPACE,
            timeout_s=180,
        )
        super().apply(ctx)
        ctx.console.note(
            f"Every run starts from the HPA's minimum of {MIN_REPLICAS} replica, also "
            "when a previous run left more:"
        )
        ctx.kube.run(
            ["scale", "deployment/web", f"--replicas={MIN_REPLICAS}"], NAMESPACE
        )

    def steps(self, ctx: Context, report: Report) -> None:
        knobs, overrides = self.knobs()
        MetricsWait(ctx, MIN_REPLICAS).run()
        ctx.console.pause()
        watch = Watch(ClusterReader(ctx.kube), ctx.console, SAMPLE_INTERVAL_S)
        try:
            start_load(ctx, watch, knobs, overrides)
            ctx.console.pause()
            watch_load(ctx, watch, knobs)
            show_load_result(ctx, report, watch)
            follow_scale_down(ctx, watch)
        except BaseException:
            # Ctrl-C or a failure: stop the load, keep what was recorded, re-raise.
            stop_load(ctx)
            if watch.samples:
                save_timeline(ctx, report, watch.samples)
            raise
        save_timeline(ctx, report, watch.samples)
        verdict_to_report(ctx, report, watch, MIN_REPLICAS, predict_replicas(knobs))


DEMO = HpaDemo()
