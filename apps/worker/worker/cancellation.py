"""A guard for cancellations that Python 3.11 loses inside Redis calls."""

from __future__ import annotations

import asyncio


def raise_if_cancelled() -> None:
    """Raise CancelledError if the current task has a cancel request pending.

    On Python 3.11, asyncio.wait_for returns the inner result and drops an outer
    cancel() that arrives in the same loop step as that result (see wait_for in
    asyncio/tasks.py of 3.11.7). redis-py 5.3 wraps every command it sends in
    wait_for when socket_timeout is set, so a SIGTERM could leave arq's poll loop
    running. Python 3.12 rewrote wait_for, and this check then finds nothing.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
