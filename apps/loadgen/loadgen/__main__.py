"""Entry point: `python -m loadgen` checks the settings and becomes a locust run.

The process replaces itself with locust (exec), so locust is PID 1 in the container
and receives SIGTERM when the Job is deleted.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import List

from pydantic import ValidationError

from loadgen.settings import Settings, describe_settings_error

logger = logging.getLogger(__name__)

# Covers one GET /cpu at the largest LOAD_CPU_MS (1 s) plus queueing on a busy pod.
# The Job's terminationGracePeriodSeconds (15 s) leaves time for the summary after it.
STOP_TIMEOUT_S = 10
LOCUSTFILE = Path(__file__).resolve().parent.parent / "locustfile.py"


def locust_argv(settings: Settings, python: str = sys.executable) -> List[str]:
    """Build the headless locust command line for ``settings``."""
    return [
        python,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        settings.TARGET_URL,
        "--users",
        str(settings.LOAD_USERS),
        "--spawn-rate",
        f"{settings.LOAD_SPAWN_RATE:g}",
        "--run-time",
        f"{settings.LOAD_DURATION}s",
        "--csv",
        settings.LOAD_CSV_PREFIX,
        # Users finish the request in flight before the run ends, so every request
        # a pod served is also counted by locust and in the per-pod tally.
        "--stop-timeout",
        f"{STOP_TIMEOUT_S}",
        # One statistics table at the end instead of one every few seconds.
        "--only-summary",
        "--loglevel",
        "INFO",
    ]


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        return 2
    argv = locust_argv(settings)
    logger.info(
        "starting: pod %s runs locust against %s: %d users, %g req/s each, "
        "GET /cpu?ms=%d, %d s, close connections %s",
        settings.POD_NAME,
        settings.TARGET_URL,
        settings.LOAD_USERS,
        settings.LOAD_USER_RPS,
        settings.LOAD_CPU_MS,
        settings.LOAD_DURATION,
        "on" if settings.LOAD_CLOSE_CONNECTIONS else "off",
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)
    return 0  # not reached: execv replaces the process


if __name__ == "__main__":
    sys.exit(main())
