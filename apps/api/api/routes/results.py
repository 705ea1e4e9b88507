"""GET /result/{job_id}, GET /jobs/{job_id}/events and GET /queue."""

from fastapi import APIRouter, HTTPException, Path, status

from api.contract import QUEUE_NAME
from api.events import read_job_events
from api.jobs import JobService
from api.models import (
    JOB_ID_PATTERN,
    ErrorMessage,
    JobEventList,
    JobState,
    QueueInfo,
)
from api.settings import Settings

JOB_ID_DESCRIPTION = "job id returned by POST /calculate: 32 lowercase hex digits"


def create_router(settings: Settings, jobs: JobService) -> APIRouter:
    router = APIRouter(tags=["jobs"])
    not_found_responses = {
        404: {"model": ErrorMessage, "description": "unknown or expired job id"},
        503: {"model": ErrorMessage, "description": "Redis is unreachable"},
    }

    def job_not_found(job_id: str) -> HTTPException:
        return HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=(
                f"job {job_id} not found: the id is unknown or its data expired. "
                f"Results and job events are kept for {settings.RESULT_TTL_S} s "
                "(RESULT_TTL_S) after the last event of the job."
            ),
        )

    @router.get(
        "/result/{job_id}",
        response_model=JobState,
        response_model_exclude_none=True,
        responses=not_found_responses,
    )
    async def read_result(
        job_id: str = Path(pattern=JOB_ID_PATTERN, description=JOB_ID_DESCRIPTION),
    ):
        """Return the job's status: queued, in_progress, complete or failed."""
        state = await jobs.read_state(job_id)
        if state is None:
            raise job_not_found(job_id)
        return state

    @router.get(
        "/jobs/{job_id}/events",
        response_model=JobEventList,
        response_model_exclude_none=True,
        responses=not_found_responses,
    )
    async def read_job_event_list(
        job_id: str = Path(pattern=JOB_ID_PATTERN, description=JOB_ID_DESCRIPTION),
    ):
        """Return the job's lifecycle events, oldest first."""
        events = await read_job_events(jobs.redis, job_id)
        if not events:
            raise job_not_found(job_id)
        return {"job_id": job_id, "events": events}

    @router.get(
        "/queue",
        response_model=QueueInfo,
        responses={503: {"model": ErrorMessage, "description": "Redis is unreachable"}},
    )
    async def read_queue():
        """Return how many jobs the arq queue contains (waiting or running)."""
        return {"queue": QUEUE_NAME, "jobs": await jobs.queue_length()}

    return router
