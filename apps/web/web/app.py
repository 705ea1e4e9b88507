"""Assembly of the ASGI app: FastAPI routes wrapped in the pod middleware."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from fastapi import FastAPI

from web.lifecycle import Lifecycle
from web.metrics import WebMetrics
from web.middleware import PodMiddleware
from web.routes import Endpoints
from web.settings import Settings

logger = logging.getLogger(__name__)


def create_fastapi_app(
    settings: Settings, lifecycle: Lifecycle, metrics: WebMetrics
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        lifecycle.started = True
        logger.debug("application startup complete")
        yield

    app = FastAPI(
        title="web",
        version=settings.APP_VERSION,
        description="Reports which pod served each request, for the Kubernetes demos.",
        lifespan=lifespan,
    )

    endpoints = Endpoints(settings, lifecycle, metrics)
    cpu_parameters = [
        {
            "name": "ms",
            "in": "query",
            "required": True,
            "description": "CPU time to burn, in milliseconds (CPU_MAX_MS caps it).",
            "schema": {"type": "integer", "minimum": 1, "maximum": settings.CPU_MAX_MS},
        }
    ]
    app.add_api_route("/", endpoints.read_info, methods=["GET"])
    app.add_api_route("/livez", endpoints.read_liveness, methods=["GET"])
    app.add_api_route("/readyz", endpoints.read_readiness, methods=["GET"])
    app.add_api_route("/readyz/disable", endpoints.disable_readiness, methods=["POST"])
    app.add_api_route("/readyz/enable", endpoints.enable_readiness, methods=["POST"])
    app.add_api_route(
        "/cpu",
        endpoints.burn_cpu,
        methods=["GET"],
        openapi_extra={"parameters": cpu_parameters},
    )
    app.add_api_route("/metrics", endpoints.read_metrics, methods=["GET"])
    return app


def create_app(
    settings: Settings, lifecycle: Optional[Lifecycle] = None
) -> PodMiddleware:
    """Build the ASGI app that uvicorn serves.

    Pass the server's Lifecycle so that its SIGTERM handling reaches /readyz.
    """
    if lifecycle is None:
        lifecycle = Lifecycle()
    metrics = WebMetrics(settings, lifecycle)
    fastapi_app = create_fastapi_app(settings, lifecycle, metrics)
    return PodMiddleware(fastapi_app, settings.POD_NAME, metrics)
