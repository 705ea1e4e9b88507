"""POST /calculate (wait for the result) and POST /calculate/async (do not wait)."""

import time

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from api.jobs import JobService
from api.models import (
    ErrorMessage,
    JobAccepted,
    JobState,
    JobWaitTimedOut,
    calculate_request_model,
)
from api.settings import Settings

# This module has no `from __future__ import annotations`: FastAPI reads the type
# of `body` at runtime, and CalculateRequest is local to create_router.


def create_router(settings: Settings, jobs: JobService) -> APIRouter:
    router = APIRouter(tags=["jobs"])
    CalculateRequest = calculate_request_model(settings.MAX_WORK_S)  # noqa: N806

    @router.post(
        "/calculate",
        response_model=JobState,
        response_model_exclude_none=True,
        responses={
            504: {"model": JobWaitTimedOut, "description": "RESULT_WAIT_S passed"},
            503: {"model": ErrorMessage, "description": "Redis is unreachable"},
        },
    )
    async def calculate(body: CalculateRequest):
        """Enqueue a job and wait up to RESULT_WAIT_S for its result."""
        start_s = time.perf_counter()
        job_id, queued_id = await jobs.enqueue(body.model_dump())
        state = await jobs.wait_for_result(job_id, queued_id, settings.RESULT_WAIT_S)
        if state is None:
            return timed_out(job_id, await jobs.read_state(job_id))
        state["api_pod"] = settings.POD_NAME
        state["request_ms"] = round((time.perf_counter() - start_s) * 1000, 3)
        return state

    def timed_out(job_id: str, state: dict) -> JSONResponse:
        status_url = f"/result/{job_id}"
        body = JobWaitTimedOut(
            detail=(
                f"job {job_id} did not finish within {settings.RESULT_WAIT_S:g} s "
                f"(RESULT_WAIT_S); it stays queued and runs when a worker takes it. "
                f"GET {status_url} returns its result for {settings.RESULT_TTL_S} s "
                "(RESULT_TTL_S) after it finishes."
            ),
            job_id=job_id,
            status=(state or {}).get("status", "queued"),
            status_url=status_url,
        )
        return JSONResponse(
            body.model_dump(),
            status_code=status.HTTP_504_GATEWAY_TIMEOUT,
            headers={"Location": status_url},
        )

    @router.post(
        "/calculate/async",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=JobAccepted,
        responses={503: {"model": ErrorMessage, "description": "Redis is unreachable"}},
    )
    async def calculate_async(body: CalculateRequest):
        """Enqueue a job and return at once with the URL of its result."""
        job_id, _ = await jobs.enqueue(body.model_dump())
        status_url = f"/result/{job_id}"
        return JSONResponse(
            JobAccepted(job_id=job_id, status_url=status_url).model_dump(),
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url},
        )

    return router
