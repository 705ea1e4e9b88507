"""Load for the HPA demo: each user calls GET /cpu on the web app at a fixed rate.

Every response's X-Pod header is counted, so the log shows which pods served
traffic: every LOAD_REPORT_INTERVAL_S seconds a line with the counts so far, and
at the end a JSON summary line plus <LOAD_CSV_PREFIX>_pods.csv. Run it through
`python -m loadgen`, which passes the LOAD_* settings to locust as options.
"""

# locust comes first: importing it makes gevent patch the standard library
# (sockets, threads) before any other module binds the unpatched versions.
from locust import HttpUser, constant_throughput, events, task

import logging
from typing import Any, Optional

import gevent

from loadgen.pods import PodTally
from loadgen.settings import Settings

logger = logging.getLogger(__name__)

SETTINGS = Settings()
TALLY = PodTally()
CLOSE_HEADERS = {"Connection": "close"} if SETTINGS.LOAD_CLOSE_CONNECTIONS else {}


class WebUser(HttpUser):
    # Each user sends at most LOAD_USER_RPS requests per second, so the offered
    # CPU load does not depend on how fast the pods respond (unless they fall behind).
    wait_time = constant_throughput(SETTINGS.LOAD_USER_RPS)

    @task
    def burn_cpu(self) -> None:
        with self.client.get(
            f"/cpu?ms={SETTINGS.LOAD_CPU_MS}",
            name="/cpu",
            headers=CLOSE_HEADERS,
            catch_response=True,
        ) as response:
            pod = response.headers.get("X-Pod")
            TALLY.record(pod)
            if response.ok and not pod:
                response.failure("the response has no X-Pod header")


class Reporter:
    """Log the per-pod counts periodically while the test runs."""

    def __init__(self) -> None:
        self.greenlet: Optional[gevent.Greenlet] = None

    def run(self) -> None:
        while True:
            gevent.sleep(SETTINGS.LOAD_REPORT_INTERVAL_S)
            logger.info(
                "requests by pod so far (pod %s): %s",
                SETTINGS.POD_NAME,
                TALLY.format_counts(),
            )

    def start(self) -> None:
        self.greenlet = gevent.spawn(self.run)

    def stop(self) -> None:
        if self.greenlet is not None:
            self.greenlet.kill(block=False)
            self.greenlet = None


REPORTER = Reporter()


@events.test_start.add_listener
def on_test_start(environment: Any, **kwargs: Any) -> None:
    logger.info(
        "load started (pod %s): GET /cpu?ms=%d, close connections %s",
        SETTINGS.POD_NAME,
        SETTINGS.LOAD_CPU_MS,
        "on" if SETTINGS.LOAD_CLOSE_CONNECTIONS else "off",
    )
    REPORTER.start()


@events.test_stop.add_listener
def on_test_stop(environment: Any, **kwargs: Any) -> None:
    REPORTER.stop()
    total = environment.stats.total
    TALLY.write_csv(SETTINGS.pods_csv_path)
    logger.info(
        "load stopped (pod %s): requests by pod: %s; written to %s",
        SETTINGS.POD_NAME,
        TALLY.format_counts(),
        SETTINGS.pods_csv_path,
    )
    logger.info(
        "%s",
        TALLY.summary_line(SETTINGS.POD_NAME, total.num_requests, total.num_failures),
    )
