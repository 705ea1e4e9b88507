"""Section 2: process CPU time that GET /cpu?ms=N really costs, against N.

Requests go one at a time over one keep-alive connection. The server's CPU time
(user + system, all threads) is read before and after each batch. The cost of a
request that burns nothing (GET /livez) is measured the same way and subtracted,
which leaves the burn itself.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bench.cpu_clock import main_thread_cpu_s
from bench.http_client import HttpClient
from bench.processes import ManagedProcess

logger = logging.getLogger(__name__)

REQUESTED_MS = (10, 50, 200)
# CPU time each batch burns in total: the CPU clock moves in 10 ms steps, so 2 s
# keeps its rounding under 0.5 %.
BATCH_BURN_MS = 2000
OVERHEAD_REQUESTS = 500
GOAL_TOLERANCE = 0.05


@dataclass
class BatchCpu:
    """CPU milliseconds per request of one batch, of the process and of its main
    thread (None off Linux)."""

    process_ms: float
    main_thread_ms: Optional[float]


@dataclass
class BurnResult:
    requested_ms: int
    requests: int
    cpu_per_request_ms: float
    main_thread_ms: Optional[float]
    reported_ms: float
    overhead_ms: float

    @property
    def net_ms(self) -> float:
        return self.cpu_per_request_ms - self.overhead_ms

    @property
    def ratio(self) -> float:
        return self.net_ms / self.requested_ms

    @property
    def passed(self) -> bool:
        return abs(self.ratio - 1) <= GOAL_TOLERANCE


@dataclass
class CpuSection:
    overhead_ms: float
    overhead_main_thread_ms: Optional[float]
    overhead_requests: int
    results: List[BurnResult] = field(default_factory=list)


def batch_size(requested_ms: int) -> int:
    return max(10, math.ceil(BATCH_BURN_MS / requested_ms))


def measure_batch(
    process: ManagedProcess, client: HttpClient, path: str, count: int
) -> Tuple[BatchCpu, List[bytes]]:
    """Send GET ``path`` ``count`` times; return the server's CPU per request and
    the response bodies."""
    bodies = []
    before_s = process.cpu_s()
    main_before_s = main_thread_cpu_s(process.pid)
    for _ in range(count):
        status, body = client.request("GET", path)
        if status != 200:
            raise RuntimeError(
                f"GET {path} returned {status}: {body[:300]!r}; the server's log "
                f"is {process.log_path}"
            )
        bodies.append(body)
    after_s = process.cpu_s()
    main_after_s = main_thread_cpu_s(process.pid)
    main_ms = None
    if main_before_s is not None and main_after_s is not None:
        main_ms = (main_after_s - main_before_s) * 1000 / count
    return BatchCpu((after_s - before_s) * 1000 / count, main_ms), bodies


def run_cpu_section(process: ManagedProcess, port: int) -> CpuSection:
    with HttpClient(port) as client:
        # Warm up: the thread pool starts its threads on the first burns.
        measure_batch(process, client, "/livez", 20)
        measure_batch(process, client, "/cpu?ms=10", 10)

        overhead, _ = measure_batch(process, client, "/livez", OVERHEAD_REQUESTS)
        overhead_ms = overhead.process_ms
        section = CpuSection(
            overhead_ms=overhead_ms,
            overhead_main_thread_ms=overhead.main_thread_ms,
            overhead_requests=OVERHEAD_REQUESTS,
        )
        logger.info("cpu: GET /livez costs %.3f ms of CPU per request", overhead_ms)
        for requested_ms in REQUESTED_MS:
            count = batch_size(requested_ms)
            cpu, bodies = measure_batch(
                process, client, f"/cpu?ms={requested_ms}", count
            )
            cpu_ms = cpu.process_ms
            reported = [json.loads(body)["burned_ms"] for body in bodies]
            result = BurnResult(
                requested_ms=requested_ms,
                requests=count,
                cpu_per_request_ms=cpu_ms,
                main_thread_ms=cpu.main_thread_ms,
                reported_ms=sum(reported) / len(reported),
                overhead_ms=overhead_ms,
            )
            section.results.append(result)
            logger.info(
                "cpu: GET /cpu?ms=%d x%d: %.2f ms CPU per request, %.2f ms net, "
                "ratio %.3f",
                requested_ms,
                count,
                cpu_ms,
                result.net_ms,
                result.ratio,
            )
    return section
