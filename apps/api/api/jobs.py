"""Enqueue calculation jobs in arq's format, wait for results and read job states."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Optional

from arq.constants import (
    expires_extra_ms,
    in_progress_key_prefix,
    job_key_prefix,
    result_key_prefix,
    retry_key_prefix,
)
from arq.jobs import SerializationError, deserialize_result, serialize_job
from arq.utils import timestamp_ms
from redis.asyncio import Redis

from api.cancellation import raise_if_cancelled
from api.contract import (
    EVENTS_STREAM,
    FINAL_EVENTS,
    JOB_FUNCTION,
    QUEUE_NAME,
    WAKE_LIST,
    job_events_key,
    result_key,
)
from api.events import BLOCK_CHUNK_S, queued_event
from api.settings import Settings

logger = logging.getLogger(__name__)

# Wake-ups kept while no worker takes them; more would only cause idle polls.
WAKE_LIST_MAXLEN = 100


class JobService:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings

    async def enqueue(self, request: dict[str, Any]) -> tuple[str, bytes]:
        """Enqueue one job; return its id and the id of its ``queued`` event.

        One MULTI/EXEC transaction adds the ``queued`` event, the arq job and the
        wake-up, so no worker can see the job before its ``queued`` event, and a
        failed call leaves none of them behind. It writes the job as arq's
        ``ArqRedis.enqueue_job`` does (same serializer, keys and expiry) but skips
        its duplicate-id check, which costs two round trips and cannot fire for a
        fresh uuid4.
        """
        job_id = uuid.uuid4().hex
        enqueue_time_ms = timestamp_ms()
        job = serialize_job(
            JOB_FUNCTION,
            (),
            {**request, "result_ttl_s": self.settings.RESULT_TTL_S},
            None,
            enqueue_time_ms,
        )
        event = queued_event(job_id, self.settings.POD_NAME, request)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                EVENTS_STREAM,
                event,
                maxlen=self.settings.EVENTS_MAXLEN,
                approximate=True,
            )
            pipe.xadd(job_events_key(job_id), event)
            pipe.expire(job_events_key(job_id), self.settings.RESULT_TTL_S)
            pipe.psetex(job_key_prefix + job_id, expires_extra_ms, job)
            pipe.zadd(QUEUE_NAME, {job_id: enqueue_time_ms})
            pipe.rpush(WAKE_LIST, job_id)
            pipe.ltrim(WAKE_LIST, -WAKE_LIST_MAXLEN, -1)
            replies = await pipe.execute()
        logger.debug("job %s enqueued: %s", job_id, request)
        return job_id, replies[1]

    async def wait_for_result(
        self, job_id: str, after_id: bytes, timeout_s: float
    ) -> Optional[dict[str, Any]]:
        """Block on the job's event stream until a final event or ``timeout_s``.

        Returns the result record, or None when the time is up.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        key = job_events_key(job_id)
        while True:
            remaining_s = deadline - loop.time()
            if remaining_s <= 0:
                return None
            block_ms = max(1, int(min(remaining_s, BLOCK_CHUNK_S) * 1000))
            reply = await self.redis.xread({key: after_id}, block=block_ms, count=20)
            raise_if_cancelled()
            for _stream, entries in reply or ():
                for entry_id, fields in entries:
                    after_id = entry_id
                    if fields.get(b"event", b"").decode() in FINAL_EVENTS:
                        return await self.read_state(job_id)

    async def read_state(self, job_id: str) -> Optional[dict[str, Any]]:
        """Return the job's state as a JobState dict, or None for an unknown id."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(result_key(job_id))
            pipe.get(result_key_prefix + job_id)
            pipe.exists(in_progress_key_prefix + job_id)
            pipe.zscore(QUEUE_NAME, job_id)
            pipe.get(retry_key_prefix + job_id)
            record, arq_result, in_progress, score, tries = await pipe.execute()
        if record is not None:
            return json.loads(record)
        if arq_result is not None:
            return state_from_arq_result(job_id, arq_result)
        if in_progress:
            return {"job_id": job_id, "status": "in_progress", "tries": int(tries or 1)}
        if score is not None:
            return {"job_id": job_id, "status": "queued", "tries": int(tries or 0)}
        return None

    async def queue_length(self) -> int:
        return await self.redis.zcard(QUEUE_NAME)


def state_from_arq_result(job_id: str, arq_result: bytes) -> dict[str, Any]:
    """Build a job's state from arq's own result entry.

    The API reads it only for jobs without a result record: arq ended them before
    the job body stored one, because a try exceeded the worker's JOB_TIMEOUT_S or
    the job exceeded MAX_TRIES (for example after repeated worker kills).
    """
    try:
        info = deserialize_result(arq_result)
    except SerializationError:
        reason = "arq stored a failure that the API cannot decode; see the worker log"
        return {"job_id": job_id, "status": "failed", "reason": reason}
    state: dict[str, Any] = {"job_id": job_id, "tries": info.job_try}
    if info.success:
        state["status"] = "complete"
        state.update(info.result if isinstance(info.result, dict) else {})
        return state
    state["status"] = "failed"
    state["reason"] = f"{type(info.result).__name__}: {info.result}".rstrip(": ")
    return state
