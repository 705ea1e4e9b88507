"""The worker's Redis client, and the wait for Redis at startup."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from worker.contract import QUEUE_NAME
from worker.settings import Settings

logger = logging.getLogger(__name__)


def create_redis(settings: Settings) -> ArqRedis:
    """Create a client that connects on first use, so creating it needs no Redis."""
    pool = ConnectionPool.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT_S,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT_S,
    )
    return ArqRedis(pool, default_queue_name=QUEUE_NAME)


async def wait_for_redis(
    redis: ArqRedis, settings: Settings, stop: asyncio.Event
) -> bool:
    """Retry PING with exponential backoff; return False if ``stop`` is set first."""
    delay_s = 0.25
    while not stop.is_set():
        try:
            await redis.ping()
        except (RedisError, OSError) as error:
            logger.warning(
                "waiting for Redis at %s (REDIS_URL): %r; next attempt in %.2g s",
                settings.redis_address,
                error,
                delay_s,
            )
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), delay_s)
            delay_s = min(delay_s * 2, settings.REDIS_RETRY_MAX_S)
        else:
            logger.info("connected to Redis at %s", settings.redis_address)
            return True
    return False
