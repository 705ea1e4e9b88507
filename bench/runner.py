"""One run of every section, in order, with every process stopped at the end."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import List, Tuple

from bench.cpu_bench import run_cpu_section
from bench.images import read_images_section
from bench.machine import describe_machine
from bench.processes import ProcessGroup
from bench.queue_bench import run_queue_section
from bench.render import render_page
from bench.report import BenchReport
from bench.web_bench import run_web_section, start_servers

logger = logging.getLogger(__name__)


@dataclass
class Budget:
    """Durations and counts of one run; --quick shrinks them all."""

    duration_s: int = 5
    warmup_s: int = 2
    repeats: int = 3
    latency_requests: int = 200
    burst_s: float = 2.0


QUICK = Budget(duration_s=1, warmup_s=1, repeats=1, latency_requests=20, burst_s=0.3)


def run_benchmarks(
    sections: List[str], quick: bool, command: str, started_at: datetime
) -> Tuple[str, BenchReport]:
    budget = QUICK if quick else Budget()
    started = time.monotonic()
    machine = describe_machine()
    web = cpu = queue = None
    with ProcessGroup() as group:
        if "web" in sections:
            ports, processes = start_servers(group)
            web = run_web_section(
                ports, budget.duration_s, budget.warmup_s, budget.repeats
            )
            if "cpu" in sections:
                cpu = run_cpu_section(processes["web"], ports["web"])
            for process in processes.values():
                group.stop(process)
        if "queue" in sections:
            from bench.queue_stack import REDIS_APPENDFSYNC
            from tests.support.redis_server import RedisServer

            # Not a with block: a Ctrl-C inside start() must still stop the server.
            redis = RedisServer(appendfsync=REDIS_APPENDFSYNC)
            try:
                redis.start()
                queue = run_queue_section(
                    group,
                    redis.url,
                    budget.latency_requests,
                    budget.repeats,
                    budget.burst_s,
                )
            finally:
                redis.close()
    report = BenchReport(
        command=command,
        started_at=started_at.strftime("%Y-%m-%d %H:%M UTC"),
        duration_s=time.monotonic() - started,
        machine=machine,
        web=web,
        cpu=cpu,
        queue=queue,
        images=read_images_section(),
    )
    return render_page(report), report
