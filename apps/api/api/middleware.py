"""Pure ASGI middleware that adds the X-Pod header to every HTTP response.

It wraps the whole FastAPI app, outside Starlette's ServerErrorMiddleware, so
500 responses get the header too, and it does not buffer streamed responses.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class PodHeaderMiddleware:
    def __init__(self, app: ASGIApp, pod_name: str) -> None:
        self.app = app
        self.pod_header = (b"x-pod", pod_name.encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_pod(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list, because a response object may reuse its header list.
                message["headers"] = [*message.get("headers", ()), self.pod_header]
            await send(message)

        await self.app(scope, receive, send_with_pod)
