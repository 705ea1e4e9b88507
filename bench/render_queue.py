"""Section 3 of the page: the job queue's method, latency, throughput and costs."""

from __future__ import annotations

from typing import Optional

from bench import markdown as md
from bench.queue_analysis import (
    core_shares,
    describe_settings,
    diagnose,
    loop_p50,
    loop_result,
    throughput_ratio,
)
from bench.queue_limits import render_limits
from bench.queue_results import (
    LATENCY_GOAL_MS,
    PROBE_JOBS,
    THROUGHPUT_GOAL_RATIO,
    WARMUP_JOBS,
    QueueSection,
)
from bench.stats import ratio

TITLE = "## 3. Job queue"
PATH_LABELS = {
    "http": "`POST /calculate`: HTTP, API, Redis, worker",
    "direct": "the API's Redis calls, without HTTP",
    "loop": "list loop (baseline)",
}


def render_queue(section: Optional[QueueSection]) -> str:
    if section is None:
        return f"{TITLE}\n\nNot measured in this run (see `python -m bench --help`)."
    api_env = describe_settings(section.api_env) if section.api_env else "none"
    processes = (
        "A real redis-server on 127.0.0.1 with the append-only file fsynced once a "
        f"second, as the IPC demo's StatefulSet runs it. `python -m api` runs with "
        f"{api_env}: the API manifest's settings, but with SHUTDOWN_DRAIN_S=0, which "
        "only shortens its stop. `python -m worker` processes run with the worker "
        "manifest's settings, then with one setting changed. The baseline in "
        "bench/job_loop.py is the smallest job queue on a Redis list. Its client "
        "pushes a job and waits on the job's reply list with BLPOP. Its worker "
        "process pops the job with BLPOP, adds the numbers and pushes the reply."
    )
    method = (
        f"The setups take turns for {section.repeats} rounds. In each round every "
        "setup gets an emptied Redis and fresh worker processes, which are stopped "
        f"after its turn. Latency: {section.latency_requests} jobs one after "
        f"another, spread over the rounds, each share after {WARMUP_JOBS} for "
        "warm-up, with one worker. Each job adds two numbers and simulates no work. "
        f"Throughput: per round, a {PROBE_JOBS}-job burst to warm up, then one "
        f"burst sized from the first of those to last about {section.run_s:g} s; "
        "the figure is the median of the rounds. The per-job counters come from "
        "Redis's INFO (commands, CPU) and from the workers' CPU time."
    )
    return "\n\n".join(
        [TITLE, processes, method, render_latency(section), render_parts(section),
         render_throughput(section), render_costs(section), render_limits(section)]
    )  # fmt: skip


def render_latency(section: QueueSection) -> str:
    baseline_ms = loop_p50(section)
    rows = []
    for result in section.latency.values():
        goal = "n/a"
        if result.path == "http":
            goal = md.verdict(result.p50_ms <= LATENCY_GOAL_MS)
        p50_ratio = ratio(result.p50_ms, baseline_ms) if baseline_ms else None
        rows.append(
            [
                PATH_LABELS[result.path],
                describe_settings(result.settings),
                md.ms(result.p50_ms),
                md.ms(result.p99_ms),
                md.ratio(p50_ratio),
                goal,
            ]
        )
    headers = [
        "Path",
        "Worker settings",
        "p50 (ms)",
        "p99 (ms)",
        "p50 ÷ list loop",
        f"Goal p50 ≤ {LATENCY_GOAL_MS:g} ms",
    ]
    return "### Latency from enqueue to result, one job at a time\n\n" + md.table(
        headers, rows, numeric_from=2
    )


def render_parts(section: QueueSection) -> str:
    rows = []
    for result in section.latency.values():
        if result.path != "http":
            continue
        parts = result.parts_ms
        rows.append(
            [
                describe_settings(result.settings),
                md.ms(result.p50_ms),
                md.ms(result.p50_ms - parts["api_ms"]),
                md.ms(parts["api_ms"]),
                md.ms(parts["queue_wait_ms"]),
                md.ms(parts["run_ms"]),
                md.ms(parts["api_ms"] - parts["queue_wait_ms"] - parts["run_ms"]),
            ]
        )
    headers = [
        "Worker settings",
        "Client (ms)",
        "HTTP and FastAPI (ms)",
        "API handler (ms)",
        "Queue wait (ms)",
        "Job run (ms)",
        "Enqueue and result hand-back (ms)",
    ]
    intro = (
        "Where the time of `POST /calculate` goes, from the times its response "
        "reports: the API handler's own time, the wait from enqueue to the job's "
        "start, and the job's run with its event writes. The HTTP column is the "
        "client's time minus the handler's; the last column is the handler's time "
        "minus wait and run. All are medians, so they add up only roughly."
    )
    return "\n\n".join(["### Where the time goes", intro, md.table(headers, rows)])


def render_throughput(section: QueueSection) -> str:
    rows = []
    for result in section.throughput.values():
        baseline = loop_result(section, result.workers)
        job_ratio = throughput_ratio(section, result)
        goal = "n/a"
        if result.kind == "arq" and job_ratio is not None:
            goal = md.verdict(job_ratio >= THROUGHPUT_GOAL_RATIO)
        rows.append(
            [
                result.label,
                describe_settings(result.settings),
                str(result.workers),
                md.number(result.jobs_per_s),
                md.number(baseline.jobs_per_s) if baseline else "n/a",
                md.ratio(job_ratio),
                goal,
                diagnose(result, section.cores),
            ]
        )
    headers = [
        "Setup",
        "Worker settings",
        "Workers",
        "Jobs/s",
        "List loop jobs/s",
        "÷ list loop",
        f"Goal ≥ {THROUGHPUT_GOAL_RATIO:g}",
        "Limited by",
    ]
    return "### Throughput\n\n" + md.table(headers, rows, numeric_from=2)


def render_costs(section: QueueSection) -> str:
    rows = []
    for result in section.throughput.values():
        shares = core_shares(result)
        machine = result.core_share("machine_cpu_s")
        rows.append(
            [
                result.label,
                describe_settings(result.settings),
                str(result.workers),
                md.number(result.per_job("redis_commands")),
                md.ms(result.per_job("worker_cpu_s") * 1000),
                md.ms(result.per_job("redis_cpu_s") * 1000),
                md.ms(result.per_job("client_cpu_s") * 1000),
                f"{shares['worker']:.2f}",
                f"{shares['Redis']:.2f}",
                f"{shares['client']:.2f}",
                f"{machine:.2f}" if machine is not None else "n/a",
            ]
        )
    headers = [
        "Setup",
        "Worker settings",
        "Workers",
        "Redis commands",
        "Worker CPU (ms)",
        "Redis CPU (ms)",
        "Client CPU (ms)",
        "Cores: each worker",
        "Cores: Redis",
        "Cores: client",
        "Cores: whole machine",
    ]
    intro = (
        "Per job, over the measured bursts of the setup, and the cores each process "
        "kept busy during them. The client is the benchmark process, which enqueues "
        "the jobs and waits for them; the whole machine includes every other "
        "process that ran at the time."
    )
    return "\n\n".join(
        ["### Cost per job", intro, md.table(headers, rows, numeric_from=2)]
    )
