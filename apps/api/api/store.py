"""The API's Redis client, and how Redis outages are reported and logged."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Optional

from redis.asyncio import ConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.settings import Settings

logger = logging.getLogger(__name__)

# While Redis stays down, one warning per this many seconds, with a count.
FAILURE_LOG_INTERVAL_S = 10.0


class RedisStore:
    """A lazily connecting Redis client that recovers by itself after an outage.

    redis-py drops a broken connection and opens a new one for the next command,
    so nothing here reconnects explicitly. This class only tracks the outage for
    messages and logs.
    """

    def __init__(self, settings: Settings) -> None:
        self.address = settings.redis_address
        pool = ConnectionPool.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT_S,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT_S,
        )
        self.redis = Redis(connection_pool=pool)
        self._down_since: Optional[float] = None
        self._failures_since_log = 0
        self._last_log = 0.0

    def describe_error(self, error: BaseException) -> str:
        cause = f"{type(error).__name__}: {error}"
        if isinstance(error, (RedisConnectionError, RedisTimeoutError, OSError)):
            return (
                f"Redis at {self.address} is unreachable ({cause}). Check that the "
                "Redis Pod is running and ready and that REDIS_URL names its Service."
            )
        return (
            f"Redis at {self.address} returned an error ({cause}). "
            "Check the Redis server log."
        )

    def record_failure(self, error: BaseException) -> str:
        """Log a failed Redis call (rate-limited) and return the message for clients."""
        message = self.describe_error(error)
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
        self._failures_since_log += 1
        if now - self._last_log >= FAILURE_LOG_INTERVAL_S:
            logger.warning(
                "%s (%d failed call(s) since the last report)",
                message,
                self._failures_since_log,
            )
            self._last_log = now
            self._failures_since_log = 0
        return message

    def record_success(self) -> None:
        if self._down_since is not None:
            logger.info(
                "Redis at %s is reachable again after %.1f s",
                self.address,
                time.monotonic() - self._down_since,
            )
            self._down_since = None
            self._failures_since_log = 0
            self._last_log = 0.0

    async def ping(self, timeout_s: float) -> Optional[str]:
        """PING Redis; return None when it replies, else the outage message."""
        try:
            await asyncio.wait_for(self.redis.ping(), timeout_s)
        except asyncio.TimeoutError:
            return self.record_failure(
                RedisTimeoutError(f"no reply to PING within {timeout_s:g} s")
            )
        except (RedisError, OSError) as error:
            return self.record_failure(error)
        self.record_success()
        return None

    async def close(self) -> None:
        await self.redis.aclose(close_connection_pool=True)
