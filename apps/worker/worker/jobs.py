"""The job function that the API enqueues: one arithmetic operation."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import operator
from datetime import timezone
from typing import Any, Callable, Optional, Union

from worker.cancellation import raise_if_cancelled
from worker.contract import result_key
from worker.events import JobEvents, iso, utc_now

logger = logging.getLogger(__name__)

Number = Union[int, float]

OPERATIONS: dict[str, Callable[[Number, Number], Number]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
}


def compute(op: str, a: Number, b: Number) -> tuple[Optional[Number], Optional[str]]:
    """Return ``(result, None)``, or ``(None, reason)`` when there is no result."""
    if op not in OPERATIONS:
        return None, f"unknown op {op!r}; expected one of {', '.join(OPERATIONS)}"
    try:
        value = OPERATIONS[op](a, b)
    except ZeroDivisionError:
        return None, "division by zero: b must not be 0 when op is div"
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"the result of {op}({a!r}, {b!r}) is not a finite number"
    return value, None


async def calculate(
    ctx: dict[str, Any],
    *,
    a: Number,
    b: Number,
    op: str,
    work_s: float,
    result_ttl_s: int,
) -> dict[str, Any]:
    """Compute ``op(a, b)`` after ``work_s`` seconds of simulated work.

    The result record is stored with SET NX, so a job that runs again after a
    worker died keeps the record of the first try that finished. Each run of this
    body adds one ``started`` event, which is how tests count runs per job.
    """
    redis = ctx["redis"]
    job_id: str = ctx["job_id"]
    job_try: int = ctx["job_try"]
    events = JobEvents(
        redis, job_id, ctx["pod_name"], job_try, ctx["events_maxlen"], result_ttl_s
    )
    started_at = utc_now()
    if job_try > 1:
        await events.add(("redelivered", {}), ("started", {}))
        stored = await redis.get(result_key(job_id))
        if stored is not None:
            await events.add(
                ("skipped", {"reason": "an earlier try stored the result"})
            )
            return json.loads(stored)
    else:
        await events.add(("started", {}))

    try:
        raise_if_cancelled()
        await asyncio.sleep(work_s)
    except asyncio.CancelledError:
        await events.add_while_cancelled(
            "cancelled", {"reason": "the try was cancelled"}
        )
        raise

    value, reason = compute(op, a, b)
    finished_at = utc_now()
    enqueued_at = ctx["enqueue_time"].astimezone(timezone.utc)
    record = {
        "job_id": job_id,
        "status": "failed" if reason else "complete",
        "op": op,
        "a": a,
        "b": b,
        "result": value,
        "reason": reason,
        "worker_pod": ctx["pod_name"],
        "tries": job_try,
        "enqueued_at": iso(enqueued_at),
        "started_at": iso(started_at),
        "finished_at": iso(finished_at),
        "queue_wait_ms": round((started_at - enqueued_at).total_seconds() * 1000, 3),
        "run_ms": round((finished_at - started_at).total_seconds() * 1000, 3),
    }
    if reason:
        stored = await events.store_result(
            json.dumps(record), "failed", {"reason": reason}
        )
    else:
        stored = await events.store_result(
            json.dumps(record), "completed", {"result": json.dumps(value)}
        )
    if stored:
        return record

    # Another try of this job finished first while this one ran.
    await events.add(("skipped", {"reason": "another try stored the result first"}))
    existing = await redis.get(result_key(job_id))
    return json.loads(existing) if existing is not None else record
