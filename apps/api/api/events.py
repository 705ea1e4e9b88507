"""Job lifecycle events in Redis Streams: write, read back, and stream as SSE."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable
from datetime import datetime, timezone
from typing import Any, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.cancellation import raise_if_cancelled
from api.contract import EVENTS_STREAM, job_events_key

# Fields that hold JSON numbers; every other field is a plain string.
NUMBER_FIELDS = frozenset({"try", "a", "b", "work_s", "result"})
# Maximum duration of one XREAD BLOCK, below the socket timeout (at least 2 s).
BLOCK_CHUNK_S = 1.0


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def decode_entry(entry_id: bytes, fields: dict[bytes, bytes]) -> dict[str, Any]:
    """Turn a stream entry into a JSON-ready dict with its id under ``id``."""
    event: dict[str, Any] = {"id": entry_id.decode()}
    for raw_name, raw_value in fields.items():
        name, value = raw_name.decode(), raw_value.decode()
        if name in NUMBER_FIELDS:
            try:
                event[name] = json.loads(value)
                continue
            except ValueError:
                pass
        event[name] = value
    return event


def queued_event(job_id: str, pod_name: str, request: dict[str, Any]) -> dict[str, str]:
    """Fields of the ``queued`` event, which the API adds when it enqueues a job."""
    return {
        "event": "queued",
        "job_id": job_id,
        "pod": pod_name,
        "at": utc_now_iso(),
        "op": request["op"],
        "a": json.dumps(request["a"]),
        "b": json.dumps(request["b"]),
        "work_s": json.dumps(request["work_s"]),
    }


async def read_job_events(redis: Redis, job_id: str) -> list[dict[str, Any]]:
    entries = await redis.xrange(job_events_key(job_id))
    return [decode_entry(entry_id, fields) for entry_id, fields in entries]


async def resolve_start_id(redis: Redis, start: str) -> str:
    """Map ``latest`` to the newest entry id and ``first`` to 0-0; keep other ids."""
    if start == "first":
        return "0-0"
    if start != "latest":
        return start
    newest = await redis.xrevrange(EVENTS_STREAM, count=1)
    return newest[0][0].decode() if newest else "0-0"


def format_sse(event: dict[str, Any]) -> str:
    name = event.get("event", "message")
    return f"id: {event['id']}\nevent: {name}\ndata: {json.dumps(event)}\n\n"


async def stream_events(
    redis: Redis,
    after_id: str,
    max_s: float,
    keepalive_s: float,
    is_disconnected: Callable[[], Awaitable[bool]],
    describe_failure: Callable[[BaseException], str],
) -> AsyncIterator[str]:
    """Yield SSE messages for entries after ``after_id`` for ``max_s`` seconds.

    Sends a comment line after ``keepalive_s`` without events. Stops early when
    the client disconnects, or after an ``error`` event when a Redis read fails;
    ``describe_failure`` turns that error into the event's message.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_s
    last_write = loop.time()
    # retry: how long an EventSource client waits before it reconnects, in ms.
    yield f"retry: 2000\n: {EVENTS_STREAM} after {after_id} for {max_s:g} s\n\n"
    while not await is_disconnected():
        remaining_s = deadline - loop.time()
        if remaining_s <= 0:
            yield f": max_s {max_s:g} reached; reconnect to continue\n\n"
            return
        block_ms = max(1, int(min(remaining_s, BLOCK_CHUNK_S) * 1000))
        try:
            reply = await redis.xread(
                {EVENTS_STREAM: after_id}, block=block_ms, count=100
            )
            raise_if_cancelled()
        except RedisError as error:
            message = {"detail": describe_failure(error)}
            yield f"event: error\ndata: {json.dumps(message)}\n\n"
            return
        for _stream, entries in reply or ():
            for entry_id, fields in entries:
                event = decode_entry(entry_id, fields)
                after_id = event["id"]
                last_write = loop.time()
                yield format_sse(event)
        if loop.time() - last_write >= keepalive_s:
            last_write = loop.time()
            yield ": keep-alive\n\n"
