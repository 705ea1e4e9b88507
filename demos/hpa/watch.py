"""Periodic readings of the HPA, the web pods and the load Job, as a live table.

Every reading uses quiet kubectl calls: the HPA's status, the web pods, each
Ready-or-running pod's /metrics through the API server's pod proxy, and the Job.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, NamedTuple, Optional

from demos.console import Console
from demos.hpa.formula import count_requests, desired_replicas
from demos.hpa.status import HpaStatus, job_state, parse_hpa
from demos.hpa.timeline import Sample, format_live_header, format_live_row
from demos.hpa.traffic import PodTraffic
from demos.kube import Kube, pod_is_ready
from demos.shell import CommandError

NAMESPACE = "hpa-demo"
WEB_SELECTOR = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web"
WEB_PORT = 8080
JOB_NAME = "loadgen"
QUERY_TIMEOUT_S = 15


def metrics_path(pod: str) -> str:
    """Return the API path that proxies to a pod's /metrics (a port number only)."""
    return f"/api/v1/namespaces/{NAMESPACE}/pods/{pod}:{WEB_PORT}/proxy/metrics"


class Reading(NamedTuple):
    hpa: HpaStatus
    ready: List[str]
    counters: Dict[str, float]
    job: str


class ClusterReader:
    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def _json(self, args: List[str]) -> dict:
        return self.kube.get_json(args, NAMESPACE)

    def counter(self, pod: str) -> Optional[float]:
        result = self.kube.run(
            ["get", "--raw", metrics_path(pod)],
            show=False,
            check=False,
            timeout_s=QUERY_TIMEOUT_S,
        )
        return count_requests(result.stdout) if result.ok else None

    def counters(self, pods: List[str]) -> Dict[str, float]:
        """Read every pod's /cpu request counter in parallel, leaving out failures."""
        if not pods:
            return {}
        with ThreadPoolExecutor(max_workers=min(len(pods), 8)) as pool:
            values = dict(zip(pods, pool.map(self.counter, pods)))
        return {pod: value for pod, value in values.items() if value is not None}

    def job(self) -> str:
        data = self._json(["get", "job", JOB_NAME, "--ignore-not-found"])
        return job_state(data if data.get("metadata") else None)

    def read(self) -> Optional[Reading]:
        """Take one reading, or return None when a kubectl query failed."""
        try:
            hpa = parse_hpa(self._json(["get", "hpa", "web"]))
            pods = self._json(["get", "pods", "-l", WEB_SELECTOR])["items"]
            job = self.job()
        except (CommandError, ValueError):
            return None
        running = [
            p["metadata"]["name"]
            for p in pods
            if p.get("status", {}).get("podIP")
            and p.get("status", {}).get("phase") == "Running"
        ]
        ready = sorted(p["metadata"]["name"] for p in pods if pod_is_ready(p))
        return Reading(hpa, ready, self.counters(running), job)


class Watch:
    """Take a reading every ``interval_s`` seconds and print it as a table row."""

    def __init__(
        self,
        reader: ClusterReader,
        console: Console,
        interval_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.reader = reader
        self.console = console
        self.interval_s = interval_s
        self.clock = clock
        self.sleep = sleep
        self.started = clock()
        self.traffic = PodTraffic({})
        self.samples: List[Sample] = []

    def start(self, baseline: Dict[str, float]) -> None:
        """Start the clock at the load start, with the counters read just before."""
        self.started = self.clock()
        self.traffic = PodTraffic(baseline)

    def print_header(self) -> None:
        self.console.write(format_live_header())

    def elapsed_s(self) -> float:
        return self.clock() - self.started

    def take(self, phase: str) -> Optional[Reading]:
        reading = self.reader.read()
        if reading is None:
            self.console.note(
                f"{self.elapsed_s():.0f} s: a kubectl query failed, reading skipped"
            )
            return None
        elapsed_s = self.elapsed_s()
        rate, serving = self.traffic.update(elapsed_s, reading.counters, reading.ready)
        hpa = reading.hpa
        sample = Sample(
            elapsed_s=round(elapsed_s, 1),
            phase=phase,
            current_replicas=hpa.current_replicas,
            desired_replicas=hpa.desired_replicas,
            cpu_percent=hpa.cpu_percent,
            target_percent=hpa.target_percent,
            requests_per_s=rate,
            serving_pods=serving,
            ready_pods=len(reading.ready),
        )
        self.samples.append(sample)
        formula = None
        if hpa.cpu_percent is not None and hpa.target_percent:
            formula = desired_replicas(
                hpa.current_replicas,
                hpa.cpu_percent,
                hpa.target_percent,
                hpa.min_replicas,
                hpa.max_replicas,
            )
        self.console.write(format_live_row(sample, formula))
        return reading

    def run_until(
        self, phase: str, done: Callable[[Reading], bool], timeout_s: float
    ) -> bool:
        """Take readings until ``done`` is true for one, or return False on timeout."""
        deadline = self.clock() + timeout_s
        next_at = self.clock() + self.interval_s
        while True:
            self.sleep(max(0.0, next_at - self.clock()))
            # A slow reading delays the next one instead of causing a burst.
            next_at = max(next_at + self.interval_s, self.clock())
            reading = self.take(phase)
            if reading is not None and done(reading):
                return True
            if self.clock() >= deadline:
                return False
