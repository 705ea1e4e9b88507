"""HTTP endpoints of the web app, as methods over the state they share."""

from __future__ import annotations

import json
import time

from fastapi import Request
from prometheus_client.exposition import choose_encoder
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from web import page
from web.cpu import burn_cpu_ms, parse_ms
from web.lifecycle import Lifecycle
from web.metrics import WebMetrics
from web.settings import Settings

JSON = "application/json"
# Every body names the pod, so no cache may reuse one pod's response for another.
NO_STORE = {"cache-control": "no-store", "vary": "accept"}


def json_response(content: object, status_code: int = 200) -> Response:
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), status_code, media_type=JSON)


class Endpoints:
    """Route handlers, registered with FastAPI as bound methods."""

    def __init__(
        self, settings: Settings, lifecycle: Lifecycle, metrics: WebMetrics
    ) -> None:
        self.settings = settings
        self.lifecycle = lifecycle
        self.metrics = metrics
        self.pod = settings.POD_NAME
        self.info_json_prefix = page.render_json_prefix(settings)
        self.info_html = page.render_html(settings)
        self.live_body = json.dumps({"status": "ok", "pod": self.pod}).encode()

    async def read_info(self, request: Request) -> Response:
        """Describe the pod that served the request, as JSON or as an HTML page."""
        if page.accepts_html(request.scope["headers"]):
            return Response(
                self.info_html, media_type="text/html; charset=utf-8", headers=NO_STORE
            )
        body = page.render_json(self.info_json_prefix, self.lifecycle.uptime_s())
        return Response(body, media_type=JSON, headers=NO_STORE)

    async def read_liveness(self) -> Response:
        """Return 200 whenever the process serves HTTP, checking nothing else."""
        return Response(self.live_body, media_type=JSON)

    async def read_readiness(self) -> Response:
        """Return 200 when ready, else 503 with the reason."""
        return self._readiness_response(ok_status=200, not_ready_status=503)

    async def disable_readiness(self) -> Response:
        """Make /readyz fail until POST /readyz/enable, and return the new state."""
        self.lifecycle.disabled = True
        return self._readiness_response(ok_status=200, not_ready_status=200)

    async def enable_readiness(self) -> Response:
        """Undo POST /readyz/disable, and return the new state (draining stays)."""
        self.lifecycle.disabled = False
        return self._readiness_response(ok_status=200, not_ready_status=200)

    def _readiness_response(self, ok_status: int, not_ready_status: int) -> Response:
        reason = self.lifecycle.not_ready_reason
        if reason is None:
            return json_response({"ready": True, "pod": self.pod}, ok_status)
        content = {"ready": False, "reason": reason, "pod": self.pod}
        return json_response(content, not_ready_status)

    async def burn_cpu(self, request: Request) -> Response:
        """Burn ms milliseconds of CPU time in a worker thread and report it."""
        raw_ms = request.query_params.get("ms")
        try:
            ms = parse_ms(raw_ms, self.settings.CPU_MAX_MS)
        except ValueError as error:
            detail = [
                {
                    "type": "value_error",
                    "loc": ["query", "ms"],
                    "msg": str(error),
                    "input": raw_ms,
                }
            ]
            return json_response({"detail": detail}, 422)

        start_s = time.perf_counter()
        # CPython makes the burning thread hand over the GIL every 5 ms
        # (sys.getswitchinterval()) when the event loop waits for it, so other
        # requests keep being served during the burn.
        burned_ms = await run_in_threadpool(burn_cpu_ms, ms)
        wall_ms = (time.perf_counter() - start_s) * 1000
        self.metrics.cpu_burn.inc(burned_ms / 1000)
        content = {
            "pod": self.pod,
            "requested_ms": ms,
            "burned_ms": round(burned_ms, 3),
            "wall_ms": round(wall_ms, 3),
        }
        return json_response(content)

    async def read_metrics(self, request: Request) -> Response:
        """Expose the metrics in the format the Accept header requests."""
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encoder(self.metrics.registry), media_type=content_type)
