"""Pure ASGI middleware that tags every response with the pod and records metrics.

It wraps the whole FastAPI app, outside Starlette's ServerErrorMiddleware, so that
500 responses get the header and the count too. A pure ASGI middleware costs about
one extra coroutine call per request, where BaseHTTPMiddleware costs a task and a
stream per request.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.metrics import UNMATCHED_ROUTE, WebMetrics


class PodMiddleware:
    """Add ``X-Pod: <pod name>`` to every HTTP response and count it by route."""

    def __init__(self, app: ASGIApp, pod_name: str, metrics: WebMetrics) -> None:
        self.app = app
        self.pod_header = (b"x-pod", pod_name.encode("latin-1"))
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        start_s = time.perf_counter()
        status = 500
        pod_header = self.pod_header

        async def send_with_pod(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list, because a response object may reuse its header list.
                message["headers"] = [*message.get("headers", ()), pod_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_pod)
        finally:
            # Starlette's router stores the matched route in the scope. Its path is
            # the template ("/cpu"), which keeps the label set bounded.
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            self.metrics.observe_request(
                scope["method"], template, status, time.perf_counter() - start_s
            )
