"""Settings of the API, read from environment variables (each field is one)."""

from __future__ import annotations

import socket
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Configuration of one API server process."""

    # Empty variables count as unset, so a missing downward API value gets the default.
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True)

    REDIS_URL: str = "redis://127.0.0.1:6379/0"
    POD_NAME: str = Field(default_factory=socket.gethostname, min_length=1)

    # The image sets HOST=0.0.0.0; the default keeps a local run off the network.
    HOST: str = "127.0.0.1"
    PORT: int = Field(default=8080, ge=1, le=65535)

    # POST /calculate waits this long for the result, then returns 504 with the
    # job id; the job still runs.
    RESULT_WAIT_S: float = Field(default=10, gt=0, le=300)
    # How long results and per-job events stay in Redis; each job carries it.
    RESULT_TTL_S: int = Field(default=3600, ge=1)
    # Upper bound of the simulated work time ``work_s`` a request may ask for.
    # Keep it below the worker's JOB_TIMEOUT_S.
    MAX_WORK_S: float = Field(default=10, ge=0, le=3600)
    # Approximate length cap of the ipc:events stream (XADD MAXLEN ~).
    EVENTS_MAXLEN: int = Field(default=10_000, ge=10)
    # GET /events sends a comment line after this long without events, so that
    # proxies keep the connection open.
    SSE_KEEPALIVE_S: float = Field(default=10, gt=0, le=300)

    REDIS_CONNECT_TIMEOUT_S: float = Field(default=2, gt=0, le=60)
    # At least 2 s, because blocking reads (XREAD BLOCK) wait up to 1 s at a time.
    REDIS_SOCKET_TIMEOUT_S: float = Field(default=5, ge=2, le=300)
    # /readyz reports not ready when PING takes longer than this.
    REDIS_PING_TIMEOUT_S: float = Field(default=0.5, gt=0, le=30)

    # After SIGTERM, /readyz fails for SHUTDOWN_DRAIN_S while requests are still
    # served, so that the Service removes the endpoint before the listener closes.
    # Then open requests (event streams included) get up to SHUTDOWN_TIMEOUT_S.
    # Keep the sum below the Pod's terminationGracePeriodSeconds (30 s by default).
    SHUTDOWN_DRAIN_S: float = Field(default=5.0, ge=0, le=300)
    SHUTDOWN_TIMEOUT_S: float = Field(default=10.0, gt=0, le=300)

    LOG_LEVEL: LogLevel = "INFO"
    ACCESS_LOG: bool = True

    @field_validator("REDIS_URL")
    @classmethod
    def check_redis_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("redis", "rediss"):
            raise ValueError("expected a URL such as redis://redis:6379/0")
        return value

    @field_validator("POD_NAME")
    @classmethod
    def check_pod_name(cls, value: str) -> str:
        # The name goes into the X-Pod response header, which takes visible ASCII.
        if not value.isascii() or not value.isprintable() or " " in value:
            raise ValueError("expected visible ASCII without spaces, like a Pod name")
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
