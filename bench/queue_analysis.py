"""Diagnosis of the limit of each job queue setup, from its own counters."""

from __future__ import annotations

from typing import Dict, Optional

from bench.queue_results import QueueSection, ThroughputResult
from bench.stats import ratio

DEMO_KEY = "arq-demo"
# A process using at least this share of a core counts as busy.
BUSY_CORE_SHARE = 0.85
# Workers that spend at least this share of their time in the poll sleep count as
# limited by it.
SLEEP_SHARE = 0.5
# A computed sleep share above this means the workers do not sleep after every
# job start (the figure would need more than all of their time).
SLEEP_SHARE_MAX = 1.05


def describe_settings(settings: Dict[str, str]) -> str:
    if not settings:
        return "n/a"
    return ", ".join(f"{name}={value}" for name, value in settings.items())


def poll_sleep_share(result: ThroughputResult) -> Optional[float]:
    """Return the share of each worker's time spent in the sleep after a job start,
    for arq workers with MAX_JOBS=1, or None where that model does not apply.

    Such a worker sleeps POLL_DELAY_S after every job it starts, so N workers start
    at most N / POLL_DELAY_S jobs/s. A higher measured rate means the worker no
    longer sleeps that way, and None is returned.
    """
    if result.kind != "arq" or result.settings.get("MAX_JOBS") != "1":
        return None
    poll_delay_s = float(result.settings["POLL_DELAY_S"])
    share = poll_delay_s * result.jobs_per_s / result.workers
    return share if share <= SLEEP_SHARE_MAX else None


def core_shares(result: ThroughputResult) -> Dict[str, float]:
    shares = {
        "worker": (result.core_share("worker_cpu_s") or 0.0) / result.workers,
        "Redis": result.core_share("redis_cpu_s"),
        "client": result.core_share("client_cpu_s"),
    }
    return {name: share or 0.0 for name, share in shares.items()}


def diagnose(result: ThroughputResult, cores: int) -> str:
    """Name what most likely limits a throughput figure, from its own counters."""
    sleep_share = poll_sleep_share(result)
    if sleep_share is not None and sleep_share >= SLEEP_SHARE:
        return f"poll sleep ({sleep_share:.0%} of each worker's time)"
    shares = core_shares(result)
    machine = result.core_share("machine_cpu_s")
    if machine is not None and machine >= BUSY_CORE_SHARE * cores:
        own = shares["worker"] * result.workers + shares["Redis"] + shares["client"]
        return (
            f"CPU: the {cores} cores were {machine / cores:.0%} busy, "
            f"{own / cores:.0%} with the queue's processes"
        )
    name, share = max(shares.items(), key=lambda item: item[1])
    if share >= BUSY_CORE_SHARE:
        return f"{name} CPU ({share:.2f} core)"
    return f"round trips (busiest: {name}, {share:.2f} core)"


def describe_calls(result: ThroughputResult, count: int = 6) -> str:
    """Return the ``count`` most frequent Redis commands per job, as text."""
    calls = list(result.calls_per_job().items())[:count]
    return ", ".join(f"{command} {per_job:.1f}" for command, per_job in calls)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def loop_result(section: QueueSection, workers: int) -> Optional[ThroughputResult]:
    return section.throughput.get(f"loop-{workers}")


def throughput_ratio(
    section: QueueSection, result: ThroughputResult
) -> Optional[float]:
    baseline = loop_result(section, result.workers)
    if baseline is None:
        return None
    return ratio(result.jobs_per_s, baseline.jobs_per_s)


def loop_p50(section: QueueSection) -> Optional[float]:
    loop = section.latency.get("loop-1")
    return loop.p50_ms if loop else None
