"""Results of section 3, the job queue, as the page renderer reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bench.stats import median, percentile

LATENCY_GOAL_MS = 5.0
THROUGHPUT_GOAL_RATIO = 0.5
# Jobs sent before the latency samples, and jobs of the probe that sizes a burst.
WARMUP_JOBS = 20
PROBE_JOBS = 20


@dataclass
class LatencyResult:
    key: str
    label: str
    # "http" (POST /calculate), "direct" (the API's Redis calls, no HTTP) or "loop".
    path: str
    settings: Dict[str, str]
    samples_ms: List[float] = field(default_factory=list)
    # The parts of each sample that POST /calculate reports in its body.
    part_samples_ms: Dict[str, List[float]] = field(default_factory=dict)

    @property
    def parts_ms(self) -> Dict[str, float]:
        """Return the median of each part."""
        return {name: median(values) for name, values in self.part_samples_ms.items()}

    @property
    def p50_ms(self) -> float:
        return median(self.samples_ms)

    @property
    def p99_ms(self) -> float:
        return percentile(self.samples_ms, 99)


@dataclass
class ThroughputRun:
    jobs: int
    elapsed_s: float
    enqueue_s: float
    redis_commands: float
    redis_cpu_s: float
    worker_cpu_s: float
    client_cpu_s: float
    # Busy CPU seconds of the whole machine (every process); None off Linux.
    machine_cpu_s: Optional[float]
    # Calls per Redis command name during the run.
    command_calls: Dict[str, float] = field(default_factory=dict)

    @property
    def jobs_per_s(self) -> float:
        return self.jobs / self.elapsed_s


@dataclass
class ThroughputResult:
    key: str
    label: str
    kind: str
    workers: int
    settings: Dict[str, str]
    # Jobs per measured burst, sized from the first probe.
    burst_jobs: int = 0
    runs: List[ThroughputRun] = field(default_factory=list)

    @property
    def jobs_per_s(self) -> float:
        return median([run.jobs_per_s for run in self.runs])

    def per_job(self, name: str) -> float:
        """Return the sum of counter ``name`` over all runs per job."""
        jobs = sum(run.jobs for run in self.runs)
        return sum(getattr(run, name) for run in self.runs) / jobs

    def calls_per_job(self) -> Dict[str, float]:
        """Return the calls per job of each Redis command, most frequent first."""
        jobs = sum(run.jobs for run in self.runs)
        totals: Dict[str, float] = {}
        for run in self.runs:
            for command, calls in run.command_calls.items():
                totals[command] = totals.get(command, 0.0) + calls
        ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return {command: calls / jobs for command, calls in ordered}

    def core_share(self, name: str) -> Optional[float]:
        """Return CPU seconds of ``name`` per second of the runs (1.0 = one core),
        or None when a run lacks it."""
        values = [getattr(run, name) for run in self.runs]
        if any(value is None for value in values):
            return None
        return sum(values) / sum(run.elapsed_s for run in self.runs)


@dataclass
class QueueSection:
    latency_requests: int
    repeats: int
    run_s: float
    api_env: Dict[str, str]
    cores: int
    latency: Dict[str, LatencyResult] = field(default_factory=dict)
    throughput: Dict[str, ThroughputResult] = field(default_factory=dict)
