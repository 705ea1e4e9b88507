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

# Seconds after the shutdown should have ended before the worker cancels its
# main task again, and how many times it does so.
STOP_CHECK_S = 2.0
STOP_CHECK_ATTEMPTS = 3


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
                await self._wait_for_free_slot()
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

    async def _wait_for_free_slot(self) -> None:
        """Wait until a running job ends, for at most ``idle_wait_s``.

        Sleeping the whole ``idle_wait_s`` here held every worker with
        MAX_JOBS=1 for that long after each job, which capped it at about
        1 / idle_wait_s jobs per second and delayed the next job by as much.
        """
        running = [task for task in self.tasks.values() if not task.done()]
        if self.allow_pick_jobs and running:
            await asyncio.wait(
                running, timeout=self.idle_wait_s, return_when=asyncio.FIRST_COMPLETED
            )
        else:
            await asyncio.sleep(self.idle_wait_s)

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
        self._schedule_stop_check(self._job_completion_wait + STOP_CHECK_S)

    def handle_sig(self, signum: signal.Signals) -> None:
        running = sum(not task.done() for task in self.tasks.values())
        logger.info(
            "%s received: cancelling %d running job(s), arq queues them again "
            "(JOB_COMPLETION_WAIT_S is 0)",
            signal.Signals(signum).name,
            running,
        )
        super().handle_sig(signum)
        self._schedule_stop_check(STOP_CHECK_S)

    def _schedule_stop_check(self, delay_s: float, attempt: int = 1) -> None:
        self.loop.call_later(delay_s, self._check_stopped, attempt)

    def _check_stopped(self, attempt: int) -> None:
        """Cancel the main task again if the first cancel after a signal was lost.

        On Python 3.11 a cancel that arrives just as a Redis reply completes can
        be dropped (see worker.cancellation). The worker then kept polling after
        SIGTERM until the kubelet killed it, and in every case seen a second
        cancel ended it.
        """
        if self.main_task is None or self.main_task.done():
            return
        logger.warning(
            "worker still running %g s after its shutdown should have ended; "
            "cancelling it again (attempt %d)",
            STOP_CHECK_S,
            attempt,
        )
        self.main_task.cancel()
        if attempt < STOP_CHECK_ATTEMPTS:
            self._schedule_stop_check(STOP_CHECK_S, attempt + 1)

    def _log_redis_error(self, error: BaseException) -> None:
        if self._redis_error is None:
            logger.warning(
                "Redis at %s is unreachable (%r); retrying with backoff up to %g s",
                self.redis_address,
                error,
                self.retry_max_s,
            )
        self._redis_error = error
