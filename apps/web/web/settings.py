"""Settings of the web app, read from environment variables.

In a Pod the manifest fills POD_NAME, POD_NAMESPACE, POD_IP and NODE_NAME from the
downward API. Outside a cluster they default to values that describe the local machine.
"""

from __future__ import annotations

import re
import socket
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A CSS hex color (#rgb or #rrggbb) or a CSS color keyword such as "teal". The value
# goes into the page's inline style, so nothing else is accepted.
_COLOR_PATTERN = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})|[a-zA-Z]{3,20}")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Configuration of one web server process, one field per environment variable."""

    # Empty variables count as unset, so a missing downward API value gets the default.
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True)

    POD_NAME: str = Field(default_factory=socket.gethostname, min_length=1)
    POD_NAMESPACE: str = Field(default="local", min_length=1)
    POD_IP: str = Field(default="unknown", min_length=1)
    NODE_NAME: str = Field(default_factory=socket.gethostname, min_length=1)
    APP_VERSION: str = Field(default="0.1.0", min_length=1)
    COLOR: str = "#326ce5"
    MESSAGE: str = "Hello from Kubernetes!"

    # The image sets HOST=0.0.0.0, and this default keeps a local run off the network.
    HOST: str = "127.0.0.1"
    PORT: int = Field(default=8080, ge=1, le=65535)

    # GET /cpu accepts ms from 1 to CPU_MAX_MS.
    CPU_MAX_MS: int = Field(default=1000, ge=1, le=60_000)

    # After SIGTERM, /readyz fails for SHUTDOWN_DRAIN_S seconds while requests are
    # still served, so that the Service removes the endpoint before the listener
    # closes. Then in-flight requests get up to SHUTDOWN_TIMEOUT_S seconds to finish.
    # Keep the sum below the Pod's terminationGracePeriodSeconds (30 s by default).
    SHUTDOWN_DRAIN_S: float = Field(default=5.0, ge=0, le=300)
    SHUTDOWN_TIMEOUT_S: float = Field(default=10.0, gt=0, le=300)

    LOG_LEVEL: LogLevel = "INFO"
    # One log line per request costs about as much as the request itself.
    ACCESS_LOG: bool = False

    @field_validator("COLOR")
    @classmethod
    def check_color(cls, value: str) -> str:
        if not _COLOR_PATTERN.fullmatch(value):
            raise ValueError(
                "expected a CSS hex color such as #326ce5 or a color name such as teal"
            )
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


def describe_settings_error(error: ValidationError) -> str:
    """Format a settings ValidationError as one line per invalid env var."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        lines.append(
            f"invalid environment variable {name}={item.get('input')!r}: {item['msg']}"
        )
    return "\n".join(lines)
