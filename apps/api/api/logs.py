"""Logging setup, called once by the entry point."""

from __future__ import annotations

import logging
import sys

LOG_FORMAT = "%(asctime)s pod=%(pod)s %(levelname)s %(name)s: %(message)s"


class PodFilter(logging.Filter):
    """Stamp each record with the pod name, so `kubectl logs` lines tell pods apart."""

    def __init__(self, pod_name: str) -> None:
        super().__init__()
        self.pod_name = pod_name

    def filter(self, record: logging.LogRecord) -> bool:
        record.pod = self.pod_name
        return True


def configure_logging(pod_name: str, level: str) -> None:
    """Send every logger, uvicorn's included, to stderr with the pod name."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(PodFilter(pod_name))
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
