"""Wait on real conditions with a deadline, and measure how long they took."""

from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


class WaitTimeout(RuntimeError):
    """A condition did not hold before its deadline."""


def wait_for(
    condition: Callable[[], Optional[T]],
    description: str,
    timeout_s: float,
    interval_s: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``condition`` until it returns a truthy value, and return that value.

    Raises ``WaitTimeout`` naming ``description`` when ``timeout_s`` passes.
    The interval only spaces out the checks; the wait ends on the condition.
    """
    deadline = clock() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if clock() >= deadline:
            raise WaitTimeout(
                f"timed out after {timeout_s:.0f} s waiting for {description}"
            )
        sleep(max(0.0, min(interval_s, deadline - clock())))


class Stopwatch:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()

    def elapsed_s(self) -> float:
        return self.clock() - self.started
