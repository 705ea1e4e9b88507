"""Section 3: the job queue (API, Redis, arq workers) beside a minimal list loop.

Latency: jobs one at a time at low load, through POST /calculate and through the
same Redis calls without HTTP. Throughput: a burst of jobs sized to last about
``run_s`` seconds, with one and with two worker processes. Every worker setup runs
against a Redis emptied before it starts.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

from bench import queue_clients as clients
from bench.cpu_clock import machine_busy_s
from bench.manifests import demo_api_env, demo_worker_env
from bench.processes import ProcessGroup
from bench.queue_results import (
    PROBE_JOBS,
    WARMUP_JOBS,
    LatencyResult,
    QueueSection,
    ThroughputResult,
    ThroughputRun,
)
from bench.queue_stack import API_SHUTDOWN_DRAIN_S, COUNTER_COMMAND, QueueStack

logger = logging.getLogger(__name__)

MIN_BURST_JOBS = 40
MAX_BURST_JOBS = 5000
# Parts of the time of POST /calculate, and the response fields that report them.
PARTS = (
    ("api_ms", "request_ms"),
    ("queue_wait_ms", "queue_wait_ms"),
    ("run_ms", "run_ms"),
)
# POLL_DELAY_S that the tuning rows try: a tenth of the worker's default.
FAST_POLL_DELAY_S = "0.005"


@dataclass
class WorkerSetup:
    key: str
    label: str
    kind: str
    workers: int
    env: Dict[str, str]
    measure_latency: bool


def worker_setups() -> List[WorkerSetup]:
    demo = demo_worker_env()
    fast_poll = {**demo, "POLL_DELAY_S": FAST_POLL_DELAY_S}
    app_default_jobs = {key: value for key, value in demo.items() if key != "MAX_JOBS"}
    setups = []
    for workers in (1, 2):
        first = workers == 1
        setups += [
            WorkerSetup(
                f"arq-demo-{workers}", "arq, demo settings",
                "arq", workers, demo, first,
            ),
            WorkerSetup(
                f"arq-fast-poll-{workers}",
                f"arq, demo settings + POLL_DELAY_S={FAST_POLL_DELAY_S}",
                "arq", workers, fast_poll, first,
            ),
            WorkerSetup(
                f"arq-max-jobs-{workers}",
                "arq, demo settings + the app's default MAX_JOBS",
                "arq", workers, app_default_jobs, first,
            ),
            WorkerSetup(
                f"loop-{workers}", "list loop (baseline)",
                "loop", workers, {}, first,
            ),
        ]  # fmt: skip
    return setups


def effective_settings(setup: WorkerSetup) -> Dict[str, str]:
    """Return the worker settings that shape the queue: MAX_JOBS and POLL_DELAY_S."""
    if setup.kind != "arq":
        return {}
    from worker.settings import Settings

    names = ("MAX_JOBS", "POLL_DELAY_S")
    fields = Settings.model_fields
    return {name: setup.env.get(name, f"{fields[name].default:g}") for name in names}


def latency_result(
    section: QueueSection, key: str, setup: WorkerSetup, path: str
) -> LatencyResult:
    """Return the latency result under ``key``, created empty on first use."""
    if key not in section.latency:
        settings = effective_settings(setup)
        section.latency[key] = LatencyResult(key, setup.label, path, settings)
    return section.latency[key]


def measure_latency(
    stack: QueueStack, setup: WorkerSetup, count: int, section: QueueSection
) -> None:
    """Add ``count`` latency samples of each path to the setup's results."""
    if setup.kind == "loop":
        clients.run(clients.loop_latency, stack.redis_url, WARMUP_JOBS)
        samples = clients.run(clients.loop_latency, stack.redis_url, count)
        latency_result(section, setup.key, setup, "loop").samples_ms += samples
        return

    clients.http_latency(stack.api_port, WARMUP_JOBS)
    samples, bodies = clients.http_latency(stack.api_port, count)
    http = latency_result(section, f"{setup.key}-http", setup, "http")
    http.samples_ms += samples
    for part, field_name in PARTS:
        values = [body[field_name] for body in bodies]
        http.part_samples_ms.setdefault(part, []).extend(values)

    samples = clients.run(clients.arq_latency, stack.redis_url, count)
    latency_result(
        section, f"{setup.key}-direct", setup, "direct"
    ).samples_ms += samples


def measure_burst(stack: QueueStack, burst: Callable, jobs: int) -> ThroughputRun:
    """Run one burst of ``jobs`` jobs and read every counter around it."""
    redis_before = stack.redis_counters()
    worker_before_s = stack.worker_cpu_s()
    client_before_s = time.process_time()
    machine_before_s = machine_busy_s()

    timing = clients.run(burst, stack.redis_url, jobs)

    machine_after_s = machine_busy_s()
    client_cpu_s = time.process_time() - client_before_s
    worker_cpu_s = stack.worker_cpu_s() - worker_before_s
    redis_after = stack.redis_counters()

    machine_cpu_s = None
    if machine_before_s is not None and machine_after_s is not None:
        machine_cpu_s = machine_after_s - machine_before_s
    command_calls = {
        key.split(":", 1)[1]: value - redis_before.get(key, 0.0)
        for key, value in redis_after.items()
        if key.startswith("calls:") and value > redis_before.get(key, 0.0)
    }
    # The INFO calls are the benchmark's own reads of these counters.
    own_calls = command_calls.pop(COUNTER_COMMAND, 0.0)

    return ThroughputRun(
        jobs=timing.jobs,
        elapsed_s=timing.elapsed_s,
        enqueue_s=timing.enqueue_s,
        redis_commands=redis_after["commands"] - redis_before["commands"] - own_calls,
        redis_cpu_s=redis_after["cpu_s"] - redis_before["cpu_s"],
        worker_cpu_s=worker_cpu_s,
        client_cpu_s=client_cpu_s,
        machine_cpu_s=machine_cpu_s,
        command_calls=command_calls,
    )


def burst_size(probe: ThroughputRun, run_s: float) -> int:
    """Return the job count that lasts about ``run_s`` at the probe's rate."""
    jobs = round(probe.jobs_per_s * run_s)
    return min(MAX_BURST_JOBS, max(MIN_BURST_JOBS, jobs))


def start_workers(stack: QueueStack, setup: WorkerSetup) -> None:
    stack.flush()
    if setup.kind == "loop":
        stack.start_loop_workers(setup.workers)
    else:
        stack.start_arq_workers(setup.workers, setup.env)


def measure_setup_round(
    stack: QueueStack,
    setup: WorkerSetup,
    latency_samples: int,
    run_s: float,
    section: QueueSection,
) -> ThroughputRun:
    """Start fresh workers for ``setup``, measure its latency and one burst, and
    stop the workers; return the burst's run."""
    start_workers(stack, setup)
    try:
        if setup.measure_latency:
            measure_latency(stack, setup, latency_samples, section)
        burst = clients.loop_burst if setup.kind == "loop" else clients.arq_burst
        # The probe warms the fresh workers up, and the first one sizes the bursts.
        probe = measure_burst(stack, burst, PROBE_JOBS)
        result = section.throughput.get(setup.key)
        if result is None:
            result = ThroughputResult(
                setup.key, setup.label, setup.kind, setup.workers,
                effective_settings(setup), burst_jobs=burst_size(probe, run_s),
            )  # fmt: skip
            section.throughput[setup.key] = result
        run = measure_burst(stack, burst, result.burst_jobs)
        result.runs.append(run)
        return run
    finally:
        stack.stop_workers()


def run_queue_section(
    group: ProcessGroup,
    redis_url: str,
    latency_requests: int,
    repeats: int,
    run_s: float,
    only: Optional[List[str]] = None,
) -> QueueSection:
    """Measure every worker setup once per round, with fresh workers each time,
    so that slow drift of the machine spreads over all of them."""
    api_env = {**demo_api_env(), "SHUTDOWN_DRAIN_S": API_SHUTDOWN_DRAIN_S}
    section = QueueSection(
        latency_requests, repeats, run_s, api_env, os.cpu_count() or 1
    )
    setups = [setup for setup in worker_setups() if not only or setup.key in only]
    stack = QueueStack(group, redis_url)
    try:
        stack.start_api(api_env)
        for round_number in range(1, repeats + 1):
            # The latency samples are split over the rounds, the remainder first.
            samples = latency_requests // repeats
            if round_number == 1:
                samples += latency_requests % repeats
            for setup in setups:
                run = measure_setup_round(stack, setup, samples, run_s, section)
                logger.info(
                    "queue: round %d/%d %s, %d worker(s): %d jobs in %.2f s, "
                    "%.0f jobs/s",
                    round_number,
                    repeats,
                    setup.label,
                    setup.workers,
                    run.jobs,
                    run.elapsed_s,
                    run.jobs_per_s,
                )
    finally:
        stack.close()
    return section
