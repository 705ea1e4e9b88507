"""Settings of the worker, read from environment variables (each field is one)."""

from __future__ import annotations

import socket
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.health import DEFAULT_HEALTH_FILE, DEFAULT_READY_FILE

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Configuration of one worker process."""

    # Empty variables count as unset, so a missing downward API value gets the default.
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True)

    REDIS_URL: str = "redis://127.0.0.1:6379/0"
    POD_NAME: str = Field(default_factory=socket.gethostname, min_length=1)

    # Maximum wait between two polls of the queue when no wake-up arrives on the
    # wake list. It also bounds how late a worker notices a job whose in-progress
    # key expired (a redelivery after SIGKILL).
    POLL_DELAY_S: float = Field(default=0.05, gt=0, le=5)
    # Maximum run time of one try. Keep it above the API's MAX_WORK_S. After a
    # SIGKILL, another worker runs the job again JOB_TIMEOUT_S + 10 s after the
    # killed try started, when arq's in-progress key expires.
    JOB_TIMEOUT_S: float = Field(default=30, gt=0, le=3600)
    # On SIGTERM, running jobs get this long to finish before they are cancelled
    # and re-queued. The Pod's terminationGracePeriodSeconds must be larger.
    JOB_COMPLETION_WAIT_S: float = Field(default=20, ge=0, le=3600)
    MAX_TRIES: int = Field(default=3, ge=1, le=100)
    # Retention of arq's own result entry (arq:result:<id>). The result record
    # the API reads keeps the RESULT_TTL_S that the API puts in each job.
    KEEP_RESULT_S: float = Field(default=3600, ge=0)
    MAX_JOBS: int = Field(default=10, ge=1, le=1000)
    EVENTS_MAXLEN: int = Field(default=10_000, ge=10)

    HEALTH_FILE: str = DEFAULT_HEALTH_FILE
    READY_FILE: str = DEFAULT_READY_FILE
    HEALTH_INTERVAL_S: float = Field(default=5, gt=0, le=300)

    REDIS_CONNECT_TIMEOUT_S: float = Field(default=2, gt=0, le=60)
    # Must exceed POLL_DELAY_S, the longest BLPOP the worker sends.
    REDIS_SOCKET_TIMEOUT_S: float = Field(default=5, gt=0, le=300)
    # Cap of the exponential backoff between attempts while Redis is unreachable.
    REDIS_RETRY_MAX_S: float = Field(default=5, gt=0, le=300)

    LOG_LEVEL: LogLevel = "INFO"

    @field_validator("REDIS_URL")
    @classmethod
    def check_redis_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("redis", "rediss"):
            raise ValueError("expected a URL such as redis://redis:6379/0")
        return value

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def redis_address(self) -> str:
        """Return host:port of REDIS_URL, without user name or password."""
        parts = urlsplit(self.REDIS_URL)
        return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def describe_settings_error(error: ValidationError) -> str:
    """Format a settings ValidationError as one line per invalid variable."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        lines.append(
            f"invalid environment variable {name}={item.get('input')!r}: {item['msg']}"
        )
    return "\n".join(lines)
