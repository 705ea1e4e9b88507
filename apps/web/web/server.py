"""uvicorn server with a readiness drain between SIGTERM and the listener closing.

Kubernetes sends SIGTERM and removes the Pod from the Service's endpoints at about
the same time, and the removal takes a few seconds to reach every node. Closing the
listener at once would refuse connections that are still routed here. So on SIGTERM
the server fails /readyz, keeps serving for SHUTDOWN_DRAIN_S seconds, and only then
runs uvicorn's graceful shutdown, which stops accepting connections and waits up to
SHUTDOWN_TIMEOUT_S seconds for in-flight requests.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import List, Optional

import uvicorn

from web.app import create_app
from web.lifecycle import Lifecycle
from web.settings import Settings

logger = logging.getLogger(__name__)


class DrainingServer(uvicorn.Server):
    """uvicorn.Server whose first SIGTERM starts a drain period instead of a stop.

    SIGINT (Ctrl-C in a terminal) stops without the drain period. A second signal of
    either kind forces the exit without waiting for in-flight requests.
    """

    def __init__(
        self, config: uvicorn.Config, lifecycle: Lifecycle, drain_s: float
    ) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self.drain_s = drain_s
        self.exit_signal: Optional[int] = None
        self.drain_deadline: Optional[float] = None
        self._drain_logged = False

    def handle_exit(self, sig: int, frame: Optional[FrameType]) -> None:
        # This runs inside a signal handler, so it only sets flags, and on_tick logs
        # and acts on them. The signal is not appended to _captured_signals, because
        # uvicorn would re-raise it after the shutdown and the process would then die
        # of SIGTERM instead of exiting with status 0.
        if self.exit_signal is not None:
            self.force_exit = True
            self.should_exit = True
            return
        self.exit_signal = sig
        self.lifecycle.draining = True
        if sig == signal.SIGTERM:
            self.drain_deadline = time.monotonic() + self.drain_s
        else:
            self.should_exit = True

    async def startup(self, sockets: Optional[List] = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            logger.info(
                "ready: serving on http://%s:%d", self.config.host, self.config.port
            )

    async def on_tick(self, counter: int) -> bool:
        if self.exit_signal is not None and not self._drain_logged:
            self._drain_logged = True
            name = signal.Signals(self.exit_signal).name
            if self.drain_deadline is None:
                logger.info("draining: %s received, stopping without a drain", name)
            else:
                logger.info(
                    "draining: %s received, /readyz fails and requests are still "
                    "served for %.1f s",
                    name,
                    self.drain_s,
                )
        deadline = self.drain_deadline
        if deadline is not None and time.monotonic() >= deadline:
            self.should_exit = True
        return await super().on_tick(counter)

    async def shutdown(self, sockets: Optional[List] = None) -> None:
        if self.force_exit:
            logger.warning("stopping: second signal received, not waiting for requests")
        else:
            logger.info(
                "stopping: closing the listener, waiting up to %.1f s for in-flight "
                "requests",
                self.config.timeout_graceful_shutdown,
            )
        await super().shutdown(sockets=sockets)


def run(settings: Settings) -> None:
    """Serve the app until a signal stops the server."""
    lifecycle = Lifecycle()
    config = uvicorn.Config(
        create_app(settings, lifecycle),
        host=settings.HOST,
        port=settings.PORT,
        lifespan="on",
        # Logging is configured by the entry point, and uvicorn must not replace it.
        log_config=None,
        access_log=settings.ACCESS_LOG,
        # No route reads the client address, so X-Forwarded-For parsing is skipped.
        proxy_headers=False,
        timeout_graceful_shutdown=settings.SHUTDOWN_TIMEOUT_S,
    )
    server = DrainingServer(config, lifecycle, settings.SHUTDOWN_DRAIN_S)
    logger.info(
        "starting: version %s on %s:%d, namespace %s, node %s",
        settings.APP_VERSION,
        settings.HOST,
        settings.PORT,
        settings.POD_NAMESPACE,
        settings.NODE_NAME,
    )
    server.run()
    logger.info("stopped")
