"""The HPA demo's results: the saved timeline, the serving pods and the verdict."""

from __future__ import annotations

import os
from typing import Dict, Sequence

from demos.framework import Context
from demos.hpa.chart import ChartUnavailable, draw_chart
from demos.hpa.timeline import Sample, write_csv
from demos.hpa.verdict import summarize
from demos.hpa.watch import Watch
from demos.report import Report, format_seconds, format_table

CSV_NAME = "hpa-timeline.csv"
PNG_NAME = "hpa-timeline.png"
CHART_TITLE = "HPA demo: Deployment web under locust load"


def save_timeline(ctx: Context, report: Report, samples: Sequence[Sample]) -> None:
    """Write the readings as CSV and as a PNG chart, and print both paths."""
    console = ctx.console
    console.step("Save the timeline as CSV and as a PNG chart")
    if ctx.plan:
        folder = ctx.settings.out_dir
        console.note(
            f"The demo writes {os.path.join(folder, CSV_NAME)} and "
            f"{os.path.join(folder, PNG_NAME)}."
        )
        return
    if not samples:
        console.fail("no reading was taken, so there is no timeline to save")
        return
    csv_path = ctx.out_path(CSV_NAME)
    write_csv(samples, csv_path)
    report.data["csv_path"] = csv_path
    console.ok(f"timeline ({len(samples)} readings): {csv_path}")
    try:
        png_path = draw_chart(samples, ctx.out_path(PNG_NAME), CHART_TITLE)
    except ChartUnavailable as exc:
        console.fail(str(exc))
        return
    report.data["png_path"] = png_path
    console.ok(f"chart: {png_path}")


def show_served(
    ctx: Context, by_metrics: Dict[str, float], by_header: Dict[str, int]
) -> None:
    """Print the requests each pod served, as the pod and as locust counted them."""
    rows = [
        (pod, f"{by_metrics.get(pod, 0):.0f}", by_header.get(pod, 0))
        for pod in sorted(set(by_metrics) | set(by_header))
    ]
    headers = ("pod", "GET /cpu (pod's /metrics)", "responses (locust, X-Pod)")
    ctx.console.write(format_table(headers, rows))


def verdict_to_report(
    ctx: Context, report: Report, watch: Watch, min_replicas: int, predicted: int
) -> None:
    """Add the measurements and checks of the run to ``report``."""
    report.headers = ("measurement", "value")
    if ctx.plan:
        for name in (
            "largest replica count",
            "load start -> first scale-up",
            "Ready pods that served requests",
            "load stop -> back at the minimum",
        ):
            report.row(name, "-")
        return

    traffic = watch.traffic
    verdict = summarize(
        watch.samples, min_replicas, traffic.first_ready_s, traffic.served()
    )
    ready = verdict.ready_during_load
    serving = len(ready) - len(verdict.idle_pods)

    report.row(
        "largest replica count",
        f"{verdict.max_replicas} (formula for the offered load: {predicted})",
    )
    report.row("load start -> first scale-up", format_seconds(verdict.first_scale_up_s))
    report.row("Ready pods that served requests", f"{serving}/{len(ready)}")
    report.row(
        "load stop -> back at the minimum", format_seconds(verdict.back_to_min_s)
    )

    report.check(
        f"the HPA scaled web above its minimum of {min_replicas}",
        verdict.scaled_up,
        f"max {verdict.max_replicas} replicas",
    )
    report.check(
        "every pod Ready during the load served requests",
        bool(ready) and not verdict.idle_pods,
        f"idle: {', '.join(verdict.idle_pods)}" if verdict.idle_pods else "",
    )
    report.check(
        f"web returned to {min_replicas} replica after the load",
        verdict.back_to_min_s is not None,
        f"after {format_seconds(verdict.back_to_min_s)}",
    )

    report.data.update(verdict._asdict())
    report.data["predicted_replicas"] = predicted
    report.data["samples"] = list(watch.samples)
    report.data["served"] = traffic.served()
