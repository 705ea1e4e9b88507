"""Settings of the load generator, read from environment variables.

The HPA demo's Job sets every LOAD_* variable, so its manifest shows the load at a
glance. The offered CPU load is LOAD_USERS x LOAD_USER_RPS x LOAD_CPU_MS
milliseconds of CPU time per second, plus what serving each request costs.
"""

from __future__ import annotations

import socket

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one locust run; each field is the env var it reads."""

    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True)

    # Base URL of the web app: the Service "web" in the Job's own namespace.
    TARGET_URL: str = Field(default="http://web", pattern=r"^https?://\S+$")

    # Simulated users, and how many of them start per second.
    LOAD_USERS: int = Field(default=8, ge=1, le=1000)
    LOAD_SPAWN_RATE: float = Field(default=2.0, gt=0, le=1000)
    # Run time of the load in seconds; locust stops by itself after it.
    LOAD_DURATION: int = Field(default=240, ge=1, le=3600)
    # CPU time that each GET /cpu request makes the web app burn, in milliseconds.
    LOAD_CPU_MS: int = Field(default=20, ge=1, le=1000)
    # Requests per second that each user sends at most (locust constant_throughput).
    LOAD_USER_RPS: float = Field(default=1.0, gt=0, le=100)
    # A Service balances per TCP connection, so a user that keeps its connection
    # alive stays on one pod. Closing it after each request lets every request
    # pick a pod, new ones included.
    LOAD_CLOSE_CONNECTIONS: bool = True
    # Seconds between two log lines with the requests served by each pod.
    LOAD_REPORT_INTERVAL_S: float = Field(default=10.0, gt=0, le=3600)
    # Prefix of the CSV files: locust's <prefix>_stats.csv and the like, plus
    # <prefix>_pods.csv with the requests each pod served (X-Pod header).
    LOAD_CSV_PREFIX: str = Field(default="/tmp/loadgen", min_length=1)

    # The Job fills it from the downward API; locally it is the host name.
    POD_NAME: str = Field(default_factory=socket.gethostname, min_length=1)

    @property
    def offered_cpu_ms_per_s(self) -> float:
        """CPU milliseconds per second that GET /cpu alone burns on the web pods."""
        return self.LOAD_USERS * self.LOAD_USER_RPS * self.LOAD_CPU_MS

    @property
    def pods_csv_path(self) -> str:
        return f"{self.LOAD_CSV_PREFIX}_pods.csv"


def describe_settings_error(error: ValidationError) -> str:
    """Format a ValidationError as one line per invalid environment variable."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        lines.append(
            f"invalid environment variable {name}={item.get('input')!r}: {item['msg']}"
        )
    return "\n".join(lines)
