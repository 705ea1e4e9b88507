"""Readiness state shared by the HTTP routes, the metrics and the server."""

from __future__ import annotations

import time
from typing import Optional

REASON_STARTING = "starting: the application has not finished its startup"
REASON_DRAINING = "draining: SIGTERM received, the server stops after the drain period"
REASON_DISABLED = "disabled by POST /readyz/disable; POST /readyz/enable restores it"


class Lifecycle:
    """Readiness flags of one server process.

    The server's signal handler sets ``draining``, so every field is a plain attribute
    that is safe to assign from a signal handler.
    """

    def __init__(self) -> None:
        self.started = False
        self.draining = False
        self.disabled = False
        self.started_monotonic = time.monotonic()

    @property
    def not_ready_reason(self) -> Optional[str]:
        """Reason why /readyz fails, or None when the process is ready."""
        if self.draining:
            return REASON_DRAINING
        if self.disabled:
            return REASON_DISABLED
        if not self.started:
            return REASON_STARTING
        return None

    @property
    def is_ready(self) -> bool:
        return self.not_ready_reason is None

    def uptime_s(self) -> float:
        return time.monotonic() - self.started_monotonic
