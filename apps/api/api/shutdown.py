"""Shutdown state shared by the server's signal handler and /readyz."""

from __future__ import annotations

import signal
from typing import Optional


class ShutdownState:
    """The signal that started the shutdown, if any.

    The signal handler assigns a plain attribute, which is safe there.
    """

    def __init__(self) -> None:
        self.signal: Optional[int] = None

    @property
    def reason(self) -> Optional[str]:
        """Why /readyz fails because of the shutdown, or None before it."""
        if self.signal is None:
            return None
        return (
            f"draining: {signal.Signals(self.signal).name} received, the API stops "
            "after SHUTDOWN_DRAIN_S"
        )
