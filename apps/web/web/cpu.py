"""CPU burn behind GET /cpu, which gives the HPA demo a load it can dial in."""

from __future__ import annotations

import time
from typing import Optional

# Iterations between two reads of the thread clock: roughly 40 microseconds of work on
# one core of a 2-core x86_64 machine under CPython 3.11, and the burn overshoots its
# target by at most one such step.
_ITERATIONS_PER_CHECK = 300


def parse_ms(raw: Optional[str], max_ms: int) -> int:
    """Parse the ms query parameter, raising ValueError with the accepted range."""
    expected = f"an integer from 1 to {max_ms} (the maximum is set by CPU_MAX_MS)"
    if raw is None:
        raise ValueError(f"query parameter ms is required: {expected}")
    # isdigit() alone also accepts non-ASCII digits, which int() would convert.
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"ms={raw!r} is not valid: expected {expected}")
    ms = int(raw)
    if not 1 <= ms <= max_ms:
        raise ValueError(f"ms={ms} is out of range: expected {expected}")
    return ms


def burn_cpu_ms(ms: int) -> float:
    """Busy-loop until the calling thread has used ms of CPU time.

    Counting thread CPU time instead of wall time keeps the burn accurate even when
    other threads or processes compete for the core. Returns the CPU milliseconds used,
    which are at least ms.
    """
    target_s = ms / 1000
    start_s = time.thread_time()
    value = 0
    while True:
        for i in range(_ITERATIONS_PER_CHECK):
            value ^= i * i
        used_s = time.thread_time() - start_s
        if used_s >= target_s:
            return used_s * 1000
