"""The HPA's replica formula, and request counters read from the web pods' /metrics.

The formula is the one on the kubernetes.io page "Horizontal Pod Autoscaling":
desired = ceil(current replicas x current metric / target), unchanged while the
ratio is within the tolerance (0.1 by default), then clamped to min..max.
"""

from __future__ import annotations

import math
import re
from typing import Dict, Optional

# kube-controller-manager's --horizontal-pod-autoscaler-tolerance default.
TOLERANCE = 0.1

# One sample line of the Prometheus text format: name{labels} value.
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

# The web app's counter of requests by method, route template and status.
REQUESTS_COUNTER = "web_http_requests_total"


def desired_replicas(
    current: int,
    utilization: float,
    target: float,
    min_replicas: int,
    max_replicas: int,
    tolerance: float = TOLERANCE,
) -> int:
    """Compute the replica count that the HPA sets at one sync.

    ``utilization`` and ``target`` are percentages of the CPU request. This is
    the plain formula: the controller also sets aside pods that are not Ready or
    have no metric yet, and a scale-down waits for the stabilization window.
    """
    if target <= 0:
        raise ValueError(f"target={target} is invalid: expected a positive percentage")
    if current <= 0:
        return 0  # the HPA leaves a workload scaled to zero alone
    ratio = utilization / target
    desired = current  # within the tolerance the HPA keeps the count
    if abs(1.0 - ratio) > tolerance:
        desired = math.ceil(ratio * current)
    return min(max(desired, min_replicas), max_replicas)


def utilization_percent(cpu_m: float, request_m: float) -> float:
    """Return CPU usage as a percentage of the CPU request (both in millicores)."""
    if request_m <= 0:
        raise ValueError(
            f"request_m={request_m} is invalid: without a CPU request the HPA has "
            "no utilization (TARGETS shows <unknown>)"
        )
    return cpu_m / request_m * 100


def parse_labels(text: str) -> Dict[str, str]:
    return {key: value for key, value in _LABEL.findall(text or "")}


def count_requests(metrics_text: str, route: str = "/cpu") -> Optional[float]:
    """Sum the web app's request counter over every method and status of ``route``.

    Returns None when the text does not declare the counter, which means the page
    is not the web app's /metrics.
    """
    total = 0.0
    found = False
    for line in metrics_text.splitlines():
        if line.startswith(f"# TYPE {REQUESTS_COUNTER} "):
            found = True
            continue
        match = _SAMPLE.match(line)
        if not match or match.group(1) != REQUESTS_COUNTER:
            continue
        found = True
        if parse_labels(match.group(2)).get("route") == route:
            total += float(match.group(3))
    return total if found else None
