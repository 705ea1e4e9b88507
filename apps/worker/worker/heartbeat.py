"""Health files that the exec probes in ``worker.health`` read."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Callable, Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

from worker.cancellation import raise_if_cancelled

logger = logging.getLogger(__name__)


class Heartbeat:
    """Rewrite the liveness file every interval, and the readiness file while the
    worker takes jobs and Redis replies to PING."""

    def __init__(
        self,
        redis: Redis,
        health_file: str,
        ready_file: str,
        interval_s: float,
        is_taking_jobs: Callable[[], bool],
        redis_address: str,
    ) -> None:
        self.redis = redis
        self.health_file = Path(health_file)
        self.ready_file = Path(ready_file)
        self.interval_s = interval_s
        self.is_taking_jobs = is_taking_jobs
        self.redis_address = redis_address
        self._ready = False
        self._write_failed = False

    async def run(self) -> None:
        while True:
            self._touch(self.health_file)
            reason = await self._not_ready_reason()
            raise_if_cancelled()
            if reason is None:
                self._touch(self.ready_file)
            else:
                self._remove(self.ready_file)
            if (reason is None) != self._ready:
                self._ready = reason is None
                if self._ready:
                    logger.info("worker ready: taking jobs from %s", self.redis_address)
                else:
                    logger.info("worker not ready: %s", reason)
            await asyncio.sleep(self.interval_s)

    def clear(self) -> None:
        self._remove(self.ready_file)
        self._remove(self.health_file)

    async def _not_ready_reason(self) -> Optional[str]:
        if not self.is_taking_jobs():
            return "not taking jobs (starting or shutting down)"
        try:
            await asyncio.wait_for(self.redis.ping(), timeout=self.interval_s)
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            return f"Redis at {self.redis_address} did not reply to PING: {error!r}"
        return None

    def _touch(self, path: Path) -> None:
        try:
            path.touch()
        except OSError as error:
            # Logged once: a read-only root filesystem without a /tmp volume fails
            # every time, and the probes then report the worker as unhealthy.
            if not self._write_failed:
                self._write_failed = True
                logger.error(
                    "cannot write health file %s (%s); mount a writable volume "
                    "(emptyDir) there or set HEALTH_FILE and READY_FILE",
                    path,
                    error,
                )

    @staticmethod
    def _remove(path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
