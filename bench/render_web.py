"""Sections 1 and 2 of the page: the web app under load, and the CPU burn."""

from __future__ import annotations

from typing import Optional

from bench import markdown as md
from bench.cpu_bench import GOAL_TOLERANCE, CpuSection
from bench.stats import linear_fit, ratio
from bench.web_bench import UVICORN_OPTIONS, WebSection

WEB_GOAL_RATIO = 0.9
CPU_BURN_TARGET = ("web_cpu", 10)


def not_measured(title: str) -> str:
    return f"{title}\n\nNot measured in this run (see `python -m bench --help`)."


def web_ratio(section: WebSection, key: str, baseline: str) -> Optional[float]:
    return ratio(
        section.results[key].requests_per_s, section.results[baseline].requests_per_s
    )


def web_goal_ratio(section: WebSection) -> Optional[float]:
    return web_ratio(section, "web_root", "fastapi_root")


def render_web(section: Optional[WebSection]) -> str:
    title = "## 1. Web app under load"
    if section is None:
        return not_measured(title)

    method = (
        f"`wrk --threads={section.threads} --connections={section.connections} "
        f"--duration={section.duration_s}s --latency` against each target, after a "
        f"{section.warmup_s} s warm-up. Each server is its own uvicorn process on "
        f"127.0.0.1 with `{' '.join(UVICORN_OPTIONS)}`, and only one target is "
        f"loaded at a time. The targets take turns for {section.repeats} rounds; "
        "each figure is the median of its rounds, taken separately. The baselines, "
        "in bench/targets.py, return the same JSON as the web app's `GET /`: a bare "
        "FastAPI route returning a dict, and a raw ASGI callable."
    )
    goal = web_goal_ratio(section)
    passed = goal is not None and goal >= WEB_GOAL_RATIO
    lines = [
        title,
        method,
        render_web_table(section),
        f"Goal: `GET /` at {WEB_GOAL_RATIO:.0%} or more of the bare FastAPI route's "
        f"requests/s, so that the pod header, the metrics and the pod identity cost "
        f"almost nothing. Measured: {md.ratio(goal)}, **{md.verdict(passed)}**.",
    ]

    cpu = section.results.get(CPU_BURN_TARGET[0])
    if cpu is not None:
        ceiling = 1000 / CPU_BURN_TARGET[1]
        lines.append(
            f"`GET /cpu?ms={CPU_BURN_TARGET[1]}` reached "
            f"{md.ratio(cpu.requests_per_s / ceiling)} of {ceiling:.0f} requests/s, "
            "the most that one process can serve when each request holds the GIL "
            f"for {CPU_BURN_TARGET[1]} ms of CPU time."
        )
    return "\n\n".join(lines)


def render_web_table(section: WebSection) -> str:
    rows = []
    for key, result in section.results.items():
        rows.append(
            [
                result.label,
                md.number(result.requests_per_s),
                md.ms(result.p50_ms),
                md.ms(result.p99_ms),
                md.ratio(web_ratio(section, key, "fastapi_root")),
                md.ratio(web_ratio(section, key, "asgi_root")),
            ]
        )
    headers = [
        "Target",
        "Requests/s",
        "p50 (ms)",
        "p99 (ms)",
        "Requests/s ÷ bare FastAPI",
        "Requests/s ÷ raw ASGI",
    ]
    return md.table(headers, rows)


def render_cpu(section: Optional[CpuSection]) -> str:
    title = "## 2. CPU burn accuracy"
    if section is None:
        return not_measured(title)
    method = (
        "`GET /cpu?ms=N` one request at a time over one keep-alive connection, on "
        "the web app's server from section 1. The server's CPU time (user + system, "
        "all threads; /proc/PID/stat on Linux, `ps` elsewhere) is read before and "
        "after each batch, and on Linux the main thread's, where uvicorn runs the "
        "event loop, from /proc/PID/task. A batch burns about 2 s of CPU in total, "
        "so the 10 ms steps of that clock stay under 0.5 %. "
        f"{section.overhead_requests} `GET /livez` requests measured the cost of a "
        f"request that burns nothing: {md.ms(section.overhead_ms)} ms, subtracted "
        "in the fourth column. The last column is what the app reports as burned: "
        "the CPU time of the thread pool thread that ran the burn loop."
    )
    rows = []
    for result in section.results:
        rows.append(
            [
                str(result.requested_ms),
                str(result.requests),
                md.ms(result.cpu_per_request_ms),
                md.ms(result.net_ms),
                f"{result.ratio:.3f}",
                md.verdict(result.passed),
                optional_ms(result.main_thread_ms),
                md.ms(result.reported_ms),
            ]
        )
    rows.append(
        [
            "`GET /livez`",
            str(section.overhead_requests),
            md.ms(section.overhead_ms),
            "n/a",
            "n/a",
            "n/a",
            optional_ms(section.overhead_main_thread_ms),
            "n/a",
        ]
    )
    headers = [
        "Requested (ms)",
        "Requests",
        "Process CPU per request (ms)",
        "Minus `GET /livez` (ms)",
        "÷ requested",
        f"Goal ±{GOAL_TOLERANCE:.0%}",
        "Event loop thread (ms)",
        "App-reported burn (ms)",
    ]
    parts = [title, method, md.table(headers, rows, numeric_from=1)]
    if len(section.results) >= 2:
        parts.append(render_fit(section))
    return "\n\n".join(parts)


def render_fit(section: CpuSection) -> str:
    fixed_ms, slope = linear_fit(
        [result.requested_ms for result in section.results],
        [result.cpu_per_request_ms for result in section.results],
    )
    return (
        "A least-squares line through the batches splits the process CPU of a "
        f"request into {slope:.3f} ms per requested ms plus {md.ms(fixed_ms)} ms per "
        f"request, where `GET /livez` costs {md.ms(section.overhead_ms)} ms. The "
        "burn loop itself is accurate (see the last column); what a short burn adds "
        "is the route's own cost outside the loop, most of it on the event loop "
        "thread."
    )


def optional_ms(value: Optional[float]) -> str:
    return "n/a" if value is None else md.ms(value)
