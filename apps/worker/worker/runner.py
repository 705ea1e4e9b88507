"""Entry point of ``python -m worker``: wait for Redis, then run arq until SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Optional

from arq.connections import ArqRedis
from arq.worker import func
from pydantic import ValidationError
from redis.exceptions import RedisError

from worker.connection import create_redis, wait_for_redis
from worker.contract import JOB_FUNCTION, QUEUE_NAME
from worker.heartbeat import Heartbeat
from worker.jobs import calculate
from worker.logs import configure_logging
from worker.queue_worker import QueueWorker
from worker.settings import Settings, describe_settings_error

logger = logging.getLogger(__name__)


def create_worker(settings: Settings, redis: ArqRedis) -> QueueWorker:
    return QueueWorker(
        functions=[func(calculate, name=JOB_FUNCTION)],
        queue_name=QUEUE_NAME,
        redis_pool=redis,
        idle_wait_s=settings.POLL_DELAY_S,
        retry_max_s=settings.REDIS_RETRY_MAX_S,
        redis_address=settings.redis_address,
        job_timeout=settings.JOB_TIMEOUT_S,
        job_completion_wait=settings.JOB_COMPLETION_WAIT_S,
        max_tries=settings.MAX_TRIES,
        keep_result=settings.KEEP_RESULT_S,
        max_jobs=settings.MAX_JOBS,
        ctx={"pod_name": settings.POD_NAME, "events_maxlen": settings.EVENTS_MAXLEN},
    )


async def run(settings: Settings) -> int:
    """Run the worker until a signal stops it; return the process exit code."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    # arq installs its own handlers once the worker exists; these cover the wait
    # for Redis before that.
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    logger.info(
        "worker starting: queue=%s redis=%s poll_delay_s=%g job_timeout_s=%g "
        "job_completion_wait_s=%g max_tries=%d max_jobs=%d",
        QUEUE_NAME,
        settings.redis_address,
        settings.POLL_DELAY_S,
        settings.JOB_TIMEOUT_S,
        settings.JOB_COMPLETION_WAIT_S,
        settings.MAX_TRIES,
        settings.MAX_JOBS,
    )
    redis = create_redis(settings)
    worker: Optional[QueueWorker] = None

    def is_taking_jobs() -> bool:
        main_task = worker.main_task if worker else None
        return bool(main_task and not main_task.done() and worker.allow_pick_jobs)

    heartbeat = Heartbeat(
        redis,
        settings.HEALTH_FILE,
        settings.READY_FILE,
        settings.HEALTH_INTERVAL_S,
        is_taking_jobs,
        settings.redis_address,
    )
    heartbeat_task = asyncio.create_task(heartbeat.run())
    try:
        if not await wait_for_redis(redis, settings, stop):
            logger.info("worker stopped by a signal before Redis was reachable")
            await redis.aclose()
            return 0
        worker = create_worker(settings, redis)
        with contextlib.suppress(asyncio.CancelledError):
            # arq's signal handlers end the run by cancelling its main task.
            await worker.async_run()
    except (RedisError, OSError) as error:
        # The poll loop outlives outages; this is a failure during arq's startup.
        logger.error(
            "worker failed: Redis at %s: %r; exiting so that the Pod restarts",
            settings.redis_address,
            error,
        )
        return 1
    finally:
        heartbeat_task.cancel()
        heartbeat.clear()
        if worker is not None:
            await close_worker(worker)
    logger.info(
        "worker stopped: %d jobs complete, %d failed, %d retried",
        worker.jobs_complete,
        worker.jobs_failed,
        worker.jobs_retried,
    )
    return 0


async def close_worker(worker: QueueWorker) -> None:
    try:
        await worker.close()
    except (RedisError, OSError) as error:
        # close() deletes arq's health-check key; Redis may be gone by now.
        logger.warning("closing the worker's Redis connection failed: %r", error)


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.POD_NAME, settings.LOG_LEVEL)
    sys.exit(asyncio.run(run(settings)))
