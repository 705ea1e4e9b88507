"""Requests per second and serving pods, from each web pod's request counter.

Each pod counts the requests it served (its /metrics, read through the API
server's pod proxy), so the figures show how the Service spread the load, which
a port-forward would hide by sending everything to one pod.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple


class PodTraffic:
    """Turn successive counter readings of every pod into rates and totals.

    ``baseline`` contains the counters read just before the load started, so that
    requests served by a pod in an earlier run of the demo are not counted.
    """

    def __init__(self, baseline: Dict[str, float], started_s: float = 0.0) -> None:
        self.baseline = dict(baseline)
        self.previous = dict(baseline)
        self.previous_s = started_s
        self.latest: Dict[str, float] = dict(baseline)
        # Elapsed seconds at the first reading where each pod was Ready.
        self.first_ready_s: Dict[str, float] = {}

    def update(
        self, elapsed_s: float, counters: Dict[str, float], ready: Iterable[str]
    ) -> Tuple[float, int]:
        """Record one reading and return (requests per second, pods that served).

        A pod missing from ``counters`` (its /metrics could not be read) keeps
        its last value, so its requests show up in the next interval instead.
        A counter lower than before means the container restarted and counts
        from zero again.
        """
        for pod in ready:
            self.first_ready_s.setdefault(pod, elapsed_s)
        served_now = 0.0
        serving = 0
        for pod, value in counters.items():
            before = self.previous.get(pod, 0.0)
            delta = value - before if value >= before else value
            if delta > 0:
                serving += 1
                served_now += delta
            self.previous[pod] = value
            self.latest[pod] = value
        interval_s = elapsed_s - self.previous_s
        self.previous_s = elapsed_s
        rate = served_now / interval_s if interval_s > 0 else 0.0
        return rate, serving

    def served(self) -> Dict[str, float]:
        """Return the requests each pod served since the baseline, by pod name."""
        totals = {}
        for pod, value in sorted(self.latest.items()):
            before = self.baseline.get(pod, 0.0)
            totals[pod] = value - before if value >= before else value
        return totals


def idle_pods(
    first_ready_s: Dict[str, float],
    served: Dict[str, float],
    last_load_reading_s: Optional[float],
) -> List[str]:
    """Return the pods that were Ready during the load but served no request.

    A pod counts only if it was Ready at a reading before the last one taken
    while the load ran, so it had at least one whole interval to get requests.
    """
    if last_load_reading_s is None:
        return []
    return sorted(
        pod
        for pod, ready_s in first_ready_s.items()
        if ready_s < last_load_reading_s and served.get(pod, 0.0) <= 0
    )
