"""Build the FastAPI application."""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.types import ASGIApp

from api.jobs import JobService
from api.middleware import PodHeaderMiddleware
from api.routes import calculate, events, health, results
from api.settings import Settings
from api.shutdown import ShutdownState
from api.store import RedisStore

logger = logging.getLogger(__name__)


def finite_json(value: Any) -> Any:
    """Replace NaN and infinities, which JSON cannot carry, with their names.

    A body such as {"a": 1e400} parses to infinity; the 422 echoes the input.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_json(item) for item in value]
    return value


def create_app(settings: Settings, shutdown: ShutdownState | None = None) -> ASGIApp:
    """Build the ASGI app. Pass the server's ShutdownState for /readyz to report."""
    if shutdown is None:
        shutdown = ShutdownState()
    store = RedisStore(settings)
    jobs = JobService(store.redis, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info(
            "api starting: redis=%s result_wait_s=%g result_ttl_s=%d max_work_s=%g",
            store.address,
            settings.RESULT_WAIT_S,
            settings.RESULT_TTL_S,
            settings.MAX_WORK_S,
        )
        # Startup does not depend on Redis. This PING, bounded by
        # REDIS_PING_TIMEOUT_S, only chooses the log line; /readyz reports an
        # outage, and the client connects on the first call that needs Redis.
        problem = await store.ping(settings.REDIS_PING_TIMEOUT_S)
        if problem is None:
            logger.info("api ready: Redis at %s replied to PING", store.address)
        else:
            logger.warning(
                "api started without Redis; /readyz returns 503 until Redis replies"
            )
        yield
        logger.info("api stopping")
        await store.close()

    app = FastAPI(
        title="IPC demo API",
        summary="Enqueues calculations for arq workers via Redis and returns results.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(RedisError)
    async def redis_unavailable(request: Request, error: RedisError) -> JSONResponse:
        return JSONResponse(
            {"detail": store.record_failure(error)},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(
        request: Request, error: RequestValidationError
    ) -> JSONResponse:
        # FastAPI's list of errors, plus one line that names each invalid field.
        problems = [
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        return JSONResponse(
            {
                "detail": finite_json(jsonable_encoder(error.errors())),
                "message": "; ".join(problems),
            },
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    app.include_router(calculate.create_router(settings, jobs))
    app.include_router(results.create_router(settings, jobs))
    app.include_router(events.create_router(settings, store))
    app.include_router(health.create_router(settings, store, shutdown))
    return PodHeaderMiddleware(app, settings.POD_NAME)
