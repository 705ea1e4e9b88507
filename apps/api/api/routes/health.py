"""GET /livez (the process runs) and GET /readyz (Redis replies, no shutdown)."""

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from api.models import ErrorMessage, Health
from api.settings import Settings
from api.shutdown import ShutdownState
from api.store import RedisStore


def create_router(
    settings: Settings, store: RedisStore, shutdown: ShutdownState
) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", response_model=Health)
    async def read_liveness():
        """Return 200 without calling Redis: a Redis outage must not restart the API."""
        return {"status": "alive", "pod": settings.POD_NAME}

    @router.get(
        "/readyz",
        response_model=Health,
        responses={
            503: {
                "model": ErrorMessage,
                "description": "Redis is unreachable or the API is shutting down",
            }
        },
    )
    async def read_readiness():
        """Return 200 while Redis replies to PING within REDIS_PING_TIMEOUT_S and
        no shutdown has started."""
        problem = shutdown.reason or await store.ping(settings.REDIS_PING_TIMEOUT_S)
        if problem is not None:
            return JSONResponse(
                {"detail": problem}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return {"status": "ready", "pod": settings.POD_NAME, "redis": store.address}

    return router
