"""GET /events: the shared event stream as server-sent events (SSE)."""

from typing import Optional

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from api.events import resolve_start_id, stream_events
from api.models import ErrorMessage
from api.settings import Settings
from api.store import RedisStore

STREAM_ID_PATTERN = r"^\d+(-\d+)?$"
# Upper bound of max_s; EventSource clients reconnect with Last-Event-ID after it.
MAX_STREAM_S = 3600


def create_router(settings: Settings, store: RedisStore) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get(
        "/events",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "SSE stream"},
            503: {"model": ErrorMessage, "description": "Redis is unreachable"},
        },
    )
    async def stream_job_events(
        request: Request,
        start: str = Query(
            "latest",
            pattern=r"^(latest|first|\d+(-\d+)?)$",
            description="latest (only new events), first (the whole stream) or a "
            "stream entry id to continue after",
        ),
        max_s: float = Query(
            60, gt=0, le=MAX_STREAM_S, description="seconds before the server ends it"
        ),
        last_event_id: Optional[str] = Header(
            None,
            pattern=STREAM_ID_PATTERN,
            description="sent by reconnecting EventSource clients; wins over start",
        ),
    ):
        """Stream job events as they are added, for at most max_s seconds."""
        # PING first, so that an outage is a 503 rather than a stream of errors.
        await store.redis.ping()
        after_id = last_event_id or await resolve_start_id(store.redis, start)
        return StreamingResponse(
            stream_events(
                store.redis,
                after_id,
                max_s,
                settings.SSE_KEEPALIVE_S,
                request.is_disconnected,
                store.record_failure,
            ),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router
