"""Parse kubectl output: the HPA, the load Job, the Metrics API, locust's summary."""

from __future__ import annotations

import json
from typing import Any, Dict, NamedTuple, Optional, Tuple

Obj = Dict[str, Any]

JOB_RUNNING = "running"
JOB_COMPLETE = "complete"
JOB_FAILED = "failed"
JOB_MISSING = "missing"

# The loadgen image logs this prefix before its JSON summary (loadgen/pods.py).
SUMMARY_PREFIX = "summary: "


class HpaStatus(NamedTuple):
    current_replicas: int
    desired_replicas: int
    cpu_percent: Optional[int]  # None until the HPA has a CPU reading (<unknown>)
    target_percent: int
    min_replicas: int
    max_replicas: int


def parse_hpa(hpa: Obj) -> HpaStatus:
    """Read replicas and CPU utilization from `kubectl get hpa NAME -o json`."""
    spec = hpa.get("spec", {})
    status = hpa.get("status", {})
    target = 0
    for metric in spec.get("metrics", []) or []:
        resource = metric.get("resource", {})
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            target = resource.get("target", {}).get("averageUtilization", 0) or 0
    cpu = None
    for metric in status.get("currentMetrics", []) or []:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            cpu = resource.get("current", {}).get("averageUtilization")
    return HpaStatus(
        current_replicas=status.get("currentReplicas", 0) or 0,
        desired_replicas=status.get("desiredReplicas", 0) or 0,
        cpu_percent=cpu,
        target_percent=target,
        min_replicas=spec.get("minReplicas", 1) or 1,
        max_replicas=spec.get("maxReplicas", 0) or 0,
    )


def job_state(job: Optional[Obj]) -> str:
    """Return whether a Job is running, complete, failed or missing (None)."""
    if not job:
        return JOB_MISSING
    for condition in job.get("status", {}).get("conditions", []) or []:
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return JOB_COMPLETE
        if condition.get("type") == "Failed":
            return JOB_FAILED
    return JOB_RUNNING


def apiservice_available(apiservice: Obj) -> Tuple[bool, str]:
    """Return (available, reason) from `kubectl get apiservice NAME -o json`."""
    for condition in apiservice.get("status", {}).get("conditions", []) or []:
        if condition.get("type") == "Available":
            available = condition.get("status") == "True"
            reason = condition.get("message") or condition.get("reason") or ""
            return available, reason
    return False, "the APIService reports no Available condition yet"


def top_lists_pod(top_output: str, pod_prefix: str) -> bool:
    """Return whether `kubectl top pods --no-headers` lists a pod named PREFIX-*."""
    for line in top_output.splitlines():
        fields = line.split()
        if fields and fields[0].startswith(pod_prefix + "-"):
            return True
    return False


def parse_summary(log_text: str) -> Optional[Obj]:
    """Return locust's JSON summary from the loadgen log, or None if it is absent."""
    for line in reversed(log_text.splitlines()):
        index = line.find(SUMMARY_PREFIX + "{")
        if index >= 0:
            try:
                return json.loads(line[index + len(SUMMARY_PREFIX) :])
            except ValueError:
                return None
    return None
