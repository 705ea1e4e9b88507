"""Clients of section 3: one job at a time for latency, a burst for throughput.

The clients drive the arq path the way the API drives it. ``api.jobs.JobService``
writes each job exactly as POST /calculate does: one MULTI with the job, its
``queued`` event and a wake-up for an idle worker. So the workers see the same
traffic as behind the API.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Callable, Dict, List

from redis.asyncio import Redis

from bench import job_loop
from bench.http_client import HttpClient

JOB_REQUEST = {"a": 1, "b": 2, "op": "add", "work_s": 0.0}
# Concurrent enqueue calls during a burst: enough to keep the workers busy.
ENQUEUE_CONCURRENCY = 50
RESULT_TIMEOUT_S = 10.0


@dataclass
class BurstTiming:
    jobs: int
    elapsed_s: float
    enqueue_s: float


def http_latency(port: int, count: int) -> tuple[List[float], List[Dict]]:
    """POST /calculate ``count`` times in a row; return client-side milliseconds
    and the response bodies."""
    samples, bodies = [], []
    with HttpClient(port) as client:
        for _ in range(count):
            start_s = time.perf_counter()
            status, body = client.request("POST", "/calculate", JOB_REQUEST)
            samples.append((time.perf_counter() - start_s) * 1000)
            if status != 200:
                raise RuntimeError(f"POST /calculate returned {status}: {body[:300]!r}")
            bodies.append(json.loads(body))
    return samples, bodies


def job_service(redis: Redis, redis_url: str):
    from api.jobs import JobService
    from api.settings import Settings

    return JobService(redis, Settings(REDIS_URL=redis_url, POD_NAME="bench-client"))


async def arq_latency(redis_url: str, count: int) -> List[float]:
    """Enqueue and wait for ``count`` jobs in a row, as the API's handler does."""
    redis = Redis.from_url(redis_url)
    service = job_service(redis, redis_url)
    samples = []
    try:
        for _ in range(count):
            start_s = time.perf_counter()
            job_id, queued_id = await service.enqueue(dict(JOB_REQUEST))
            state = await service.wait_for_result(job_id, queued_id, RESULT_TIMEOUT_S)
            samples.append((time.perf_counter() - start_s) * 1000)
            check_complete(job_id, state)
    finally:
        await redis.aclose()
    return samples


async def loop_latency(redis_url: str, count: int) -> List[float]:
    redis = Redis.from_url(redis_url)
    samples = []
    try:
        for _ in range(count):
            start_s = time.perf_counter()
            await job_loop.call(redis, 1, 2)
            samples.append((time.perf_counter() - start_s) * 1000)
    finally:
        await redis.aclose()
    return samples


def check_complete(job_id: str, state) -> None:
    if state is None or state.get("status") != "complete":
        raise RuntimeError(f"job {job_id} did not complete: {state}")


async def arq_burst(redis_url: str, count: int) -> BurstTiming:
    """Enqueue ``count`` jobs at once and wait until every one has completed.

    Completion is read from the shared event stream, which gets one final event
    per job; nothing else uses the queue during the burst.
    """
    from api.contract import EVENTS_STREAM, FINAL_EVENTS

    redis = Redis.from_url(redis_url)
    service = job_service(redis, redis_url)
    try:
        newest = await redis.xrevrange(EVENTS_STREAM, count=1)
        after_id = newest[0][0] if newest else b"0-0"
        start_s = time.perf_counter()
        watcher = asyncio.create_task(
            count_final_events(redis, EVENTS_STREAM, after_id, count, FINAL_EVENTS)
        )
        remaining = count
        while remaining:
            batch = min(ENQUEUE_CONCURRENCY, remaining)
            await asyncio.gather(
                *(service.enqueue(dict(JOB_REQUEST)) for _ in range(batch))
            )
            remaining -= batch
        enqueue_s = time.perf_counter() - start_s
        failed = await asyncio.wait_for(watcher, RESULT_TIMEOUT_S + count / 10)
        elapsed_s = time.perf_counter() - start_s
    finally:
        await redis.aclose()
    if failed:
        raise RuntimeError(f"{failed} of {count} jobs did not complete")
    return BurstTiming(count, elapsed_s, enqueue_s)


async def count_final_events(
    redis: Redis, stream: str, after_id: bytes, count: int, final_events
) -> int:
    """Read ``stream`` until ``count`` final events arrived; return how many of
    them were not ``completed``."""
    seen = failed = 0
    while seen < count:
        reply = await redis.xread({stream: after_id}, block=1000, count=1000)
        for _stream, entries in reply or ():
            for entry_id, fields in entries:
                after_id = entry_id
                event = fields.get(b"event", b"").decode()
                if event in final_events:
                    seen += 1
                    failed += event != "completed"
    return failed


async def loop_burst(redis_url: str, count: int) -> BurstTiming:
    redis = Redis.from_url(redis_url)
    try:
        start_s = time.perf_counter()
        ids = await job_loop.push_jobs(redis, count)
        enqueue_s = time.perf_counter() - start_s
        for job_id in ids:
            await job_loop.wait_reply(redis, job_id)
        elapsed_s = time.perf_counter() - start_s
    finally:
        await redis.aclose()
    return BurstTiming(count, elapsed_s, enqueue_s)


def run(coroutine_function: Callable, *args):
    return asyncio.run(coroutine_function(*args))
