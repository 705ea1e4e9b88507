"""Write a job's lifecycle events to the shared stream and to the job's own stream."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Union

from redis.asyncio import Redis
from redis.exceptions import RedisError

from worker.contract import EVENTS_STREAM, job_events_key, result_key

logger = logging.getLogger(__name__)

FieldValue = Union[str, int, float]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


# Store the result record unless one exists, and only then announce it, so that
# a client woken by the event always finds the record and a try that loses the
# race adds no second completed event.
# KEYS: result key, shared stream, job stream. ARGV: record, ttl_s, maxlen, fields.
STORE_RESULT_SCRIPT = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 0
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
redis.call('XADD', KEYS[3], '*', unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1
"""


class JobEvents:
    """Event writer for one try of one job."""

    def __init__(
        self,
        redis: Redis,
        job_id: str,
        pod_name: str,
        job_try: int,
        events_maxlen: int,
        ttl_s: int,
    ) -> None:
        self.redis = redis
        self.job_id = job_id
        self.pod_name = pod_name
        self.job_try = job_try
        self.events_maxlen = events_maxlen
        self.ttl_s = ttl_s

    def fields(self, event: str, extra: dict[str, FieldValue]) -> dict[str, FieldValue]:
        return {
            "event": event,
            "job_id": self.job_id,
            "pod": self.pod_name,
            "at": iso(utc_now()),
            "try": self.job_try,
            **extra,
        }

    async def add(self, *events: tuple[str, dict[str, FieldValue]]) -> None:
        """Append ``(event, extra fields)`` pairs in order, in one transaction."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for event, extra in events:
                fields = self.fields(event, extra)
                pipe.xadd(
                    EVENTS_STREAM, fields, maxlen=self.events_maxlen, approximate=True
                )
                pipe.xadd(job_events_key(self.job_id), fields)
            pipe.expire(job_events_key(self.job_id), self.ttl_s)
            await pipe.execute()

    async def store_result(
        self, record: str, event: str, extra: dict[str, FieldValue]
    ) -> bool:
        """Store ``record`` and append ``event`` if no try stored a result yet.

        Returns False, writing nothing, when a result record exists already.
        """
        pairs = [
            str(item) for pair in self.fields(event, extra).items() for item in pair
        ]
        stored = await self.redis.eval(
            STORE_RESULT_SCRIPT,
            3,
            result_key(self.job_id),
            EVENTS_STREAM,
            job_events_key(self.job_id),
            record,
            self.ttl_s,
            self.events_maxlen,
            *pairs,
        )
        return bool(stored)

    async def add_while_cancelled(self, event: str, extra: dict[str, Any]) -> None:
        """Append an event from a task that is being cancelled, bounded in time.

        The write is shielded from the cancellation in progress. Losing it only
        loses the event: arq re-queues the job either way.
        """
        try:
            await asyncio.wait_for(asyncio.shield(self.add((event, extra))), 1.0)
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            logger.warning(
                "could not record event %s of job %s: %r", event, self.job_id, error
            )
