"""The three ASGI apps that section 1 loads, as uvicorn factories.

- ``create_web_app``: the web app as `python -m web` serves it.
- ``create_fastapi_app``: a bare FastAPI route returning the same JSON as the web
  app's GET /, written the way a FastAPI tutorial writes it (a dict, serialized by
  FastAPI), without the web app's pod header, metrics or pre-rendered body.
- ``create_asgi_app``: a raw ASGI callable returning the same bytes, the floor of
  what uvicorn can do with one process.

The pod identity comes from the same environment variables in all three, so the
bodies match except for the uptime. Both baselines read them the way the web app's
settings do.
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any, Dict

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send


def info_fields() -> Dict[str, Any]:
    """Return the fields of the web app's GET / JSON, in its order, without uptime_s."""
    hostname = socket.gethostname()
    return {
        "pod": os.environ.get("POD_NAME", hostname),
        "namespace": os.environ.get("POD_NAMESPACE", "local"),
        "pod_ip": os.environ.get("POD_IP", "unknown"),
        "node": os.environ.get("NODE_NAME", hostname),
        "hostname": hostname,
        "version": os.environ.get("APP_VERSION", "0.1.0"),
        "color": os.environ.get("COLOR", "#326ce5"),
        "message": os.environ.get("MESSAGE", "Hello from Kubernetes!"),
    }


def create_web_app() -> Any:
    from web.app import create_app
    from web.settings import Settings

    return create_app(Settings())


def create_fastapi_app() -> FastAPI:
    fields = info_fields()
    started_s = time.monotonic()
    app = FastAPI()

    @app.get("/")
    async def read_info():
        return {**fields, "uptime_s": round(time.monotonic() - started_s, 3)}

    return app


class RawInfoApp:
    """GET / of the web app's JSON body, in plain ASGI with no framework."""

    def __init__(self) -> None:
        body = json.dumps(info_fields(), ensure_ascii=False, separators=(",", ":"))
        self.prefix = body[:-1].encode("utf-8") + b',"uptime_s":'
        self.started_s = time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.run_lifespan(receive, send)
            return
        body = self.prefix + b"%.3f}" % (time.monotonic() - self.started_s)
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def run_lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_asgi_app() -> RawInfoApp:
    return RawInfoApp()
