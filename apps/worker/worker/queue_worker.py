"""arq's Worker with a wake-up list, Redis outage handling and shutdown logs.

The overrides rely on arq 0.28 internals (``_poll_iteration``, ``start_jobs``,
``job_counter``), which is why requirements.txt pins arq exactly.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any, Optional

from arq.worker import Worker
from redis.exceptions import RedisError

from worker.cancellation import raise_if_cancelled
from worker.contract import WAKE_LIST

logger = logging.getLogger(__name__)


class QueueWorker(Worker):
    """An arq Worker that waits for work on ``WAKE_LIST`` between queue polls.

    Stock arq sleeps ``poll_delay`` between polls, which adds up to that delay to
    every job. Here arq's own delay is 0, and the loop blocks on BLPOP of the wake
    list for at most ``idle_wait_s`` instead. The API appends each new job id to
    the list, and the worker that pops it starts that job at once. A worker with
    no free job slot, or one that is shutting down, sleeps ``idle_wait_s`` and
    leaves the wake-ups to others.
    """

    def __init__(
        self,
        *,
        idle_wait_s: float,
        retry_max_s: float,
        redis_address: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(poll_delay=0, **kwargs)
        self.idle_wait_s = idle_wait_s
        self.retry_max_s = retry_max_s
        self.redis_address = redis_address
        self._redis_error: Optional[BaseException] = None
        self._retry_delay_s = idle_wait_s

    async def _poll_iteration(self) -> None:
        await self._poll_or_wait()
        raise_if_cancelled()

    async def _poll_or_wait(self) -> None:
        try:
            await super()._poll_iteration()
            if self.allow_pick_jobs and self.job_counter < self.max_jobs:
                woken = await self.pool.blpop([WAKE_LIST], timeout=self.idle_wait_s)
                if woken is not None:
                    # The API pushes the new job's id. start_jobs checks the queue
                    # and the in-progress key, so an id that another worker took
                    # already is skipped, and any other queued job waits for the
                    # next poll, which follows at once.
                    await self.start_jobs([woken[1]])
            else:
                await asyncio.sleep(self.idle_wait_s)
        except (RedisError, OSError) as error:
            # Stock arq lets the error end the worker. Waiting keeps the process
            # and its running jobs alive through a Redis restart.
            self._log_redis_error(error)
            await asyncio.sleep(self._retry_delay_s)
            self._retry_delay_s = min(self._retry_delay_s * 2, self.retry_max_s)
            return
        if self._redis_error is not None:
            logger.info(
                "Redis at %s is reachable again; polling resumed", self.redis_address
            )
            self._redis_error = None
            self._retry_delay_s = self.idle_wait_s

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # arq takes a job slot before its Redis calls and does not give it back when
        # one raises a connection error, so a few outages would leave the worker
        # with no free slot. Start jobs one at a time and return the slot here.
        for job_id in job_ids:
            try:
                await super().start_jobs([job_id])
            except (RedisError, OSError):
                self._release_sem_dec_counter_on_complete()
                raise

    def handle_sig_wait_for_completion(self, signum: signal.Signals) -> None:
        running = sum(not task.done() for task in self.tasks.values())
        logger.info(
            "%s received: taking no new jobs, waiting up to %g s "
            "(JOB_COMPLETION_WAIT_S) for %d running job(s) to finish",
            signal.Signals(signum).name,
            self._job_completion_wait,
            running,
        )
        super().handle_sig_wait_for_completion(signum)

    def handle_sig(self, signum: signal.Signals) -> None:
        running = sum(not task.done() for task in self.tasks.values())
        logger.info(
            "%s received: cancelling %d running job(s), arq queues them again "
            "(JOB_COMPLETION_WAIT_S is 0)",
            signal.Signals(signum).name,
            running,
        )
        super().handle_sig(signum)

    def _log_redis_error(self, error: BaseException) -> None:
        if self._redis_error is None:
            logger.warning(
                "Redis at %s is unreachable (%r); retrying with backoff up to %g s",
                self.redis_address,
                error,
                self.retry_max_s,
            )
        self._redis_error = error
