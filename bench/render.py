"""The page docs/benchmarks.md, rendered from one BenchReport."""

from __future__ import annotations

from typing import List

from bench import markdown as md
from bench import wrk
from bench.cpu_bench import GOAL_TOLERANCE
from bench.images import ImagesSection
from bench.queue_limits import queue_summary
from bench.render_queue import render_queue
from bench.render_web import (
    WEB_GOAL_RATIO,
    render_cpu,
    render_web,
    web_goal_ratio,
    web_ratio,
)
from bench.report import BenchReport


def render_page(report: BenchReport) -> str:
    parts = [
        "# Benchmarks",
        "This page is written by `make bench`; edit bench/ instead of this file. "
        "Every figure on it comes from one run on one machine, with each baseline "
        "measured in the same run, under the same load. Absolute numbers depend on "
        "the machine and on whatever else ran on it, so compare the ratios.",
        render_run(report),
        render_web(report.web),
        render_cpu(report.cpu),
        render_queue(report.queue),
        render_images(report.images),
        render_summary(report),
    ]
    return "\n\n".join(parts) + "\n"


def render_run(report: BenchReport) -> str:
    minutes, seconds = divmod(round(report.duration_s), 60)
    command = f"`{report.command}`"
    if report.command == "make bench":
        command += " (runs `.venv/bin/python -m bench`)"
    rows = [["Command", command], ["Started", report.started_at]]
    rows.append(["Duration", f"{minutes} min {seconds} s"])
    rows += [[name, value] for name, value in report.machine.items()]
    return "## The run\n\n" + md.table(["", ""], rows, numeric_from=2)


def render_images(section: ImagesSection) -> str:
    title = "## 4. Container images"
    if not section.found:
        reason = (
            section.problem
            or f"No container tier report at `{short_path(section.report_path)}`."
        )
        return (
            f"{title}\n\n{reason} Run `make test-containers` first (Linux with "
            "Docker), then `make bench` again."
        )
    rows = []
    for image in section.images:
        size = md.number(image["size_mb"])
        if section.base_size_mb:
            added = md.number(image["size_mb"] - section.base_size_mb)
            rows.append(
                [
                    f"`{image['tag']}`",
                    size,
                    md.number(section.base_size_mb),
                    added,
                    md.number(image["build_s"]),
                ]
            )
        else:
            rows.append(
                [
                    f"`{image['tag']}`",
                    size,
                    "not recorded",
                    "n/a",
                    md.number(image["build_s"]),
                ]
            )
    headers = [
        "Image",
        "Size (MB)",
        "Base image (MB)",
        "Added by the app (MB)",
        "Build (s)",
    ]
    note = (
        f"Read from `{short_path(section.report_path)}`, written by "
        f"`make test-containers` at {section.written_at}, not by this run. "
        f"Base image: {section.base_image or 'not recorded'}. A build time under "
        "a second means Docker's layer cache served the build."
    )
    return "\n\n".join([title, note, md.table(headers, rows)])


def short_path(path: str) -> str:
    marker = "/.cache/"
    return path[path.index(marker) + 1 :] if marker in path else path


def render_summary(report: BenchReport) -> str:
    lines: List[str] = []
    if report.web is not None:
        goal = web_goal_ratio(report.web)
        floor = web_ratio(report.web, "web_root", "asgi_root")
        lines.append(
            f"- Web app: `GET /` served {md.ratio(goal)} of the bare FastAPI route's "
            f"requests/s (goal {WEB_GOAL_RATIO:.2f}: "
            f"{md.verdict(goal is not None and goal >= WEB_GOAL_RATIO)}) and "
            f"{md.ratio(floor)} of the raw ASGI callable's, with "
            f"{wrk.CONNECTIONS} connections on one uvicorn process."
        )
    if report.cpu is not None:
        ratios = ", ".join(
            f"{result.ratio:.3f} at {result.requested_ms} ms"
            for result in report.cpu.results
        )
        passed = all(result.passed for result in report.cpu.results)
        lines.append(
            f"- CPU burn: measured ÷ requested CPU time {ratios} (goal within "
            f"{GOAL_TOLERANCE:.0%}: {md.verdict(passed)})."
        )
    lines += queue_summary(report.queue)
    if not lines:
        return "## Summary\n\nNo section was measured in this run."
    return "## Summary\n\n" + "\n".join(lines)
