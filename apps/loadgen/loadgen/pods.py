"""Requests counted per pod, from the X-Pod header that the web app sets."""

from __future__ import annotations

import csv
import json
import os
from typing import Dict, Optional

# Key of responses that carried no X-Pod header, such as connection errors.
UNKNOWN_POD = "-"
# Log prefix of the summary line; the HPA demo finds it in `kubectl logs`.
SUMMARY_PREFIX = "summary: "


class PodTally:
    """Count responses by the pod that served them.

    locust runs users as gevent greenlets in one thread, so the plain dict needs
    no lock: a greenlet switch never happens inside ``record``.
    """

    def __init__(self) -> None:
        self.counts: Dict[str, int] = {}

    def record(self, pod: Optional[str]) -> None:
        key = pod or UNKNOWN_POD
        self.counts[key] = self.counts.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def served_pods(self) -> Dict[str, int]:
        """Return the counts of responses that named a pod, sorted by pod name."""
        return {
            pod: count
            for pod, count in sorted(self.counts.items())
            if pod != UNKNOWN_POD
        }

    def format_counts(self) -> str:
        """Format the counts as "web-a=12 web-b=10" for a log line."""
        served = self.served_pods()
        if not served:
            return "none yet"
        return " ".join(f"{pod}={count}" for pod, count in served.items())

    def write_csv(self, path: str) -> None:
        """Write one row per pod (columns pod, requests), creating the folder."""
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["pod", "requests"])
            for pod, count in sorted(self.counts.items()):
                writer.writerow([pod, count])

    def summary_line(self, loadgen_pod: str, requests: int, failures: int) -> str:
        """Render the one-line JSON summary that ends a run's log."""
        summary = {
            "loadgen_pod": loadgen_pod,
            "requests": requests,
            "failures": failures,
            "pods": self.served_pods(),
        }
        return SUMMARY_PREFIX + json.dumps(summary, sort_keys=True)
