"""Entry point of ``python -m api``: serve the app with uvicorn until SIGTERM.

Kubernetes sends SIGTERM at about the time it removes the Pod from the Service's
endpoints, and the removal takes a few seconds to reach every node. So the first
SIGTERM only makes /readyz fail; requests are still served for SHUTDOWN_DRAIN_S.
Then uvicorn closes the listener and gives open requests (event streams included)
up to SHUTDOWN_TIMEOUT_S before it cancels them.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from types import FrameType
from typing import Optional

import uvicorn
from pydantic import ValidationError

from api.app import create_app
from api.logs import configure_logging
from api.settings import Settings, describe_settings_error
from api.shutdown import ShutdownState

logger = logging.getLogger(__name__)


class ApiServer(uvicorn.Server):
    """A uvicorn.Server that drains on SIGTERM and then exits with status 0.

    SIGINT stops without the drain. A second signal stops without waiting for
    open requests.
    """

    def __init__(
        self, config: uvicorn.Config, state: ShutdownState, drain_s: float
    ) -> None:
        super().__init__(config)
        self.state = state
        self.drain_s = drain_s
        self.drain_deadline: Optional[float] = None
        self._signal_logged = False

    def handle_exit(self, sig: int, frame: Optional[FrameType]) -> None:
        # Runs in a signal handler, so it only sets flags; on_tick logs them. The
        # base class would record the signal and raise it again after the
        # shutdown, which ends the process by SIGTERM instead of with status 0.
        if self.state.signal is not None:
            self.force_exit = True
            self.should_exit = True
            return
        self.state.signal = sig
        if sig == signal.SIGTERM:
            self.drain_deadline = time.monotonic() + self.drain_s
        else:
            self.should_exit = True

    async def on_tick(self, counter: int) -> bool:
        if self.state.signal is not None and not self._signal_logged:
            self._signal_logged = True
            name = signal.Signals(self.state.signal).name
            if self.drain_deadline is None:
                logger.info("%s received: stopping without a drain", name)
            else:
                logger.info(
                    "%s received: /readyz returns 503, requests are still served "
                    "for %g s (SHUTDOWN_DRAIN_S)",
                    name,
                    self.drain_s,
                )
        if self.drain_deadline is not None and time.monotonic() >= self.drain_deadline:
            self.should_exit = True
        return await super().on_tick(counter)

    async def shutdown(self, sockets: Optional[list] = None) -> None:
        if self.force_exit:
            logger.warning("second signal received: not waiting for open requests")
        else:
            logger.info(
                "closing the listener; open requests get up to %g s "
                "(SHUTDOWN_TIMEOUT_S)",
                self.config.timeout_graceful_shutdown,
            )
        await super().shutdown(sockets=sockets)


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.POD_NAME, settings.LOG_LEVEL)
    state = ShutdownState()
    config = uvicorn.Config(
        create_app(settings, state),
        host=settings.HOST,
        port=settings.PORT,
        # Logging is configured above, and uvicorn must not replace it.
        log_config=None,
        access_log=settings.ACCESS_LOG,
        timeout_graceful_shutdown=settings.SHUTDOWN_TIMEOUT_S,
    )
    logger.info("api listening on %s:%d", settings.HOST, settings.PORT)
    ApiServer(config, state, settings.SHUTDOWN_DRAIN_S).run()
    logger.info("api stopped")
