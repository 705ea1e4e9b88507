"""The page's account of what limits the job queue, and its summary lines."""

from __future__ import annotations

from typing import List, Optional

from bench import markdown as md
from bench.queue_analysis import (
    DEMO_KEY,
    SLEEP_SHARE,
    core_shares,
    describe_calls,
    describe_settings,
    diagnose,
    loop_p50,
    loop_result,
    plural,
    poll_sleep_share,
    throughput_ratio,
)
from bench.queue_results import (
    LATENCY_GOAL_MS,
    THROUGHPUT_GOAL_RATIO,
    QueueSection,
)
from bench.stats import ratio


def render_limits(section: QueueSection) -> str:
    items = [
        text
        for text in (
            poll_sleep_item(section),
            round_trips_item(section),
            cpu_item(section),
            http_item(section),
            render_tuning(section),
        )
        if text
    ]
    if not items:
        return "### What limits the queue\n\nThe demo's setups were not measured."
    return "### What limits the queue\n\n" + "\n".join(f"- {item}" for item in items)


def poll_sleep_item(section: QueueSection) -> str:
    demo = section.throughput.get(f"{DEMO_KEY}-1")
    demo_http = section.latency.get(f"{DEMO_KEY}-1-http")
    if demo is None or not demo.settings:
        return ""
    poll_delay_s = float(demo.settings["POLL_DELAY_S"])
    waited_ms = demo_http.parts_ms["queue_wait_ms"] if demo_http else 0.0
    sleep_share = poll_sleep_share(demo) or 0.0
    if waited_ms < poll_delay_s * 1000 / 2 and sleep_share < SLEEP_SHARE:
        return ""
    return (
        "**Poll sleep.** A worker whose MAX_JOBS slots are all taken does not wait "
        "for a slot to free up: it sleeps POLL_DELAY_S and polls again "
        "(apps/worker/worker/queue_worker.py). arq 0.28 sizes its semaphore at "
        "MAX_JOBS + 1, so its `start_jobs` returns at once when the slots are full "
        "instead of waiting there. With MAX_JOBS=1 a worker therefore sleeps "
        "POLL_DELAY_S after every job it starts, however short the job. So N "
        f"workers start at most N ÷ POLL_DELAY_S jobs/s: {md.number(1 / poll_delay_s)} "
        f"for one worker at {poll_delay_s:g} s, where "
        f"{md.number(demo.jobs_per_s)} were measured. A job sent just after the "
        f"previous one finished waited {md.ms(waited_ms)} ms (p50) to start."
    )


def round_trips_item(section: QueueSection) -> str:
    demo = section.throughput.get(f"{DEMO_KEY}-1")
    loop = loop_result(section, 1)
    if demo is None or loop is None:
        return ""
    arq_commands = md.number(demo.per_job("redis_commands"))
    loop_commands = md.number(loop.per_job("redis_commands"))
    return (
        f"**Commands and round trips.** An arq job cost {arq_commands} Redis "
        f"commands ({describe_calls(demo)}, ...), a list loop job {loop_commands} "
        f"({describe_calls(loop)}). The arq steps are the API's enqueue "
        "transaction, arq's start (WATCH, EXISTS, ZSCORE, then MULTI, PSETEX, "
        "EXEC), arq's read of the job, the `started` event, the result script with "
        "the `completed` event, arq's finish and the client's wait. By the code, "
        "that is about a dozen round trips, each waiting for its reply, against "
        "four for the list loop."
    )


def cpu_item(section: QueueSection) -> str:
    loop = loop_result(section, 1)
    candidates = [
        result
        for result in section.throughput.values()
        if result.kind == "arq" and result.workers == 1
    ]
    if loop is None or not candidates:
        return ""
    # The busiest worker has the least idle polling in its CPU time per job.
    busiest = max(candidates, key=lambda result: core_shares(result)["worker"])
    worker_ms = busiest.per_job("worker_cpu_s") * 1000
    loop_ms = loop.per_job("worker_cpu_s") * 1000
    return (
        f"**CPU per job.** With {describe_settings(busiest.settings)}, an arq worker "
        f"spent {md.ms(worker_ms)} ms of CPU per job, against {md.ms(loop_ms)} ms "
        "for the list loop's worker. That time covers unpickling the job and "
        "pickling its result, building the events, arq's two INFO log lines per "
        "job and idle polls. At that cost one worker process finishes at most about "
        f"{md.number(1000 / worker_ms)} jobs/s on one core, whatever its settings."
    )


def http_item(section: QueueSection) -> str:
    demo_http = section.latency.get(f"{DEMO_KEY}-1-http")
    if demo_http is None:
        return ""
    http_ms = demo_http.p50_ms - demo_http.parts_ms["api_ms"]
    return (
        "**HTTP.** HTTP and FastAPI (request validation, the response model) add "
        f"{md.ms(http_ms)} ms to the p50 of `POST /calculate`."
    )


def render_tuning(section: QueueSection) -> str:
    parts = []
    for key in ("arq-fast-poll-1", "arq-max-jobs-1"):
        result = section.throughput.get(key)
        latency = section.latency.get(f"{key}-http")
        if result is None or latency is None:
            continue
        parts.append(
            f"{describe_settings(result.settings)} gives a p50 of "
            f"{md.ms(latency.p50_ms)} ms and {md.number(result.jobs_per_s)} jobs/s "
            "with one worker"
        )
    if not parts:
        return ""
    return (
        "**Settings the demo controls.** "
        + "; ".join(parts)
        + ". A shorter POLL_DELAY_S costs every idle worker at least two Redis "
        "commands (ZRANGEBYSCORE, BLPOP) per POLL_DELAY_S. A larger MAX_JOBS lets "
        "one worker run several jobs at once, which the worker manifest avoids on "
        "purpose, so that throughput grows with replicas."
    )


def queue_summary(section: Optional[QueueSection]) -> List[str]:
    if section is None:
        return []
    lines = []
    baseline_ms = loop_p50(section)
    http_rows = [result for result in section.latency.values() if result.path == "http"]
    if http_rows and baseline_ms:
        lines.append(
            f"- Job queue latency, `POST /calculate` p50 against a goal of "
            f"{LATENCY_GOAL_MS:g} ms and the list loop's {md.ms(baseline_ms)} ms. "
            "The first row is the demo as deployed."
        )
        for result in http_rows:
            lines.append(
                f"  - {md.ms(result.p50_ms)} ms with "
                f"{describe_settings(result.settings)}: "
                f"{md.ratio(ratio(result.p50_ms, baseline_ms))} times the list "
                f"loop's, {md.verdict(result.p50_ms <= LATENCY_GOAL_MS)}."
            )
    throughput_rows = [
        (result, throughput_ratio(section, result))
        for result in section.throughput.values()
        if result.kind == "arq"
    ]
    throughput_rows = [(result, share) for result, share in throughput_rows if share]
    if throughput_rows:
        lines.append(
            "- Job queue throughput as a share of the list loop's with as many "
            f"workers, against a goal of {THROUGHPUT_GOAL_RATIO:g}."
        )
        for result, share in throughput_rows:
            lines.append(
                f"  - {md.ratio(share)} with {plural(result.workers, 'worker')} and "
                f"{describe_settings(result.settings)}: "
                f"{md.verdict(share >= THROUGHPUT_GOAL_RATIO)}."
            )
    demo = section.throughput.get(f"{DEMO_KEY}-1")
    if demo is not None:
        lines.append(
            f"- What limits the demo's queue with one worker: "
            f"{diagnose(demo, section.cores)}. Section 3 names the other limits."
        )
    return lines
