"""Baseline of section 3: the smallest job queue on a Redis list.

The client pushes a JSON job to ``bench:jobs`` and waits with BLPOP on the job's
own reply list. The worker (``python -m bench.job_loop REDIS_URL``) pops jobs with
BLPOP, computes, and pushes the result to the reply list. The worker needs one
round trip to take a job and one to reply, the least that any job queue on Redis
pays. It has no retries, events, timeouts or results kept for later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from typing import Any, Dict, List

from redis.asyncio import Redis

logger = logging.getLogger(__name__)

JOBS_LIST = "bench:jobs"
REPLY_TTL_S = 60
REPLY_TIMEOUT_S = 10


def reply_key(job_id: str) -> str:
    return f"bench:reply:{job_id}"


def new_job(a: float, b: float) -> Dict[str, Any]:
    return {"id": uuid.uuid4().hex, "a": a, "b": b, "op": "add"}


async def serve(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    while True:
        _, raw = await redis.blpop([JOBS_LIST], timeout=0)
        job = json.loads(raw)
        reply = json.dumps({"id": job["id"], "result": job["a"] + job["b"]})
        async with redis.pipeline(transaction=False) as pipe:
            pipe.rpush(reply_key(job["id"]), reply)
            pipe.expire(reply_key(job["id"]), REPLY_TTL_S)
            await pipe.execute()


async def wait_reply(redis: Redis, job_id: str) -> Dict[str, Any]:
    popped = await redis.blpop([reply_key(job_id)], timeout=REPLY_TIMEOUT_S)
    if popped is None:
        raise TimeoutError(
            f"no reply to job {job_id} within {REPLY_TIMEOUT_S} s: is a "
            "`python -m bench.job_loop` worker running?"
        )
    return json.loads(popped[1])


async def call(redis: Redis, a: float, b: float) -> Dict[str, Any]:
    """Run one job and wait for its reply."""
    job = new_job(a, b)
    await redis.rpush(JOBS_LIST, json.dumps(job))
    return await wait_reply(redis, job["id"])


async def push_jobs(redis: Redis, count: int, batch: int = 100) -> List[str]:
    """Push ``count`` jobs in pipelines of ``batch``; return their ids in order."""
    ids = []
    for start in range(0, count, batch):
        async with redis.pipeline(transaction=False) as pipe:
            for _ in range(min(batch, count - start)):
                job = new_job(1, 2)
                ids.append(job["id"])
                pipe.rpush(JOBS_LIST, json.dumps(job))
            await pipe.execute()
    return ids


def main() -> None:
    if len(sys.argv) != 2:
        print("usage: python -m bench.job_loop REDIS_URL", file=sys.stderr)
        sys.exit(2)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(sys.argv[1]))


if __name__ == "__main__":
    main()
