"""Request and response bodies of the API."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

# Operands stay within the integers that a float represents exactly (2**53 is
# about 9.007e15), so results mean the same in Python and in JSON clients.
MAX_OPERAND = 1e15


def check_operand(value: Any) -> Union[int, float]:
    """Accept a JSON number (not a string or a boolean) within MAX_OPERAND."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a JSON number")
    if not -MAX_OPERAND <= value <= MAX_OPERAND:
        raise ValueError("expected a number from -1e15 to 1e15")
    return value


# One validator instead of a Union of int and float, so that an invalid value
# gets one error that names the field rather than one per Union member.
Operand = Annotated[
    Union[int, float],
    PlainValidator(check_operand),
    WithJsonSchema({"type": "number", "minimum": -MAX_OPERAND, "maximum": MAX_OPERAND}),
]
Number = Union[int, float]
Operation = Literal["add", "sub", "mul", "div"]
JobStatus = Literal["queued", "in_progress", "complete", "failed"]

# arq job ids that the API creates: uuid4().hex.
JOB_ID_PATTERN = r"^[0-9a-f]{32}$"


def calculate_request_model(max_work_s: float) -> type[BaseModel]:
    """Build the POST /calculate body model, whose work_s bound is MAX_WORK_S."""

    class CalculateRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")

        a: Operand = Field(description="first operand")
        b: Operand = Field(description="second operand")
        op: Operation = Field(default="add", description="operation: a op b")
        work_s: float = Field(
            default=0.0,
            ge=0,
            le=max_work_s,
            description=f"simulated work time in seconds, 0 to {max_work_s:g} "
            "(MAX_WORK_S)",
        )

    return CalculateRequest


class JobAccepted(BaseModel):
    job_id: str
    status: JobStatus = "queued"
    status_url: str


class JobState(BaseModel):
    """A job's status; the result fields appear once the job has finished."""

    job_id: str
    status: JobStatus
    op: Optional[Operation] = None
    a: Optional[Number] = None
    b: Optional[Number] = None
    result: Optional[Number] = None
    reason: Optional[str] = Field(default=None, description="why the job failed")
    worker_pod: Optional[str] = None
    tries: Optional[int] = Field(default=None, description="arq tries so far")
    enqueued_at: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    queue_wait_ms: Optional[float] = None
    run_ms: Optional[float] = None
    api_pod: Optional[str] = Field(default=None, description="POST /calculate only")
    request_ms: Optional[float] = Field(
        default=None, description="POST /calculate only"
    )


class JobWaitTimedOut(BaseModel):
    detail: str
    job_id: str
    status: JobStatus
    status_url: str


class JobEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(description="entry id in the job's event stream")
    event: str
    job_id: str
    pod: str
    at: str
    try_: Optional[int] = Field(default=None, alias="try")
    result: Optional[Any] = None
    reason: Optional[str] = None


class JobEventList(BaseModel):
    job_id: str
    events: list[JobEvent]


class QueueInfo(BaseModel):
    queue: str
    jobs: int = Field(
        description="jobs waiting or running; arq removes a job when it ends"
    )


class Health(BaseModel):
    status: str
    pod: str
    redis: Optional[str] = None


class ErrorMessage(BaseModel):
    detail: str
