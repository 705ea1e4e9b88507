"""The load generator's knobs, and the replica count the HPA formula predicts.

The defaults come from hpa/load/job.yaml and overrides from the environment.

A Job's pod template cannot be changed after it is created, so overrides are
written into a copy of the manifest (under OUT_DIR) that the demo creates and
prints, and which a learner can create again by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Mapping, NamedTuple

from demos.hpa.formula import desired_replicas, utilization_percent

JOB_PATH = "hpa/load/job.yaml"
JOB_FILE = Path(__file__).resolve().parents[2] / JOB_PATH
RENDERED_NAME = "hpa-load-job.yaml"
# The Job's activeDeadlineSeconds is 900: a run needs this much less for start-up.
MAX_DURATION_S = 780

# Copies of values in hpa/30-hpa.yaml and hpa/10-deployment.yaml, which a test
# compares. The prediction uses them, while the live table reads the HPA's status.
MIN_REPLICAS = 1
MAX_REPLICAS = 5
TARGET_PERCENT = 50
CPU_REQUEST_M = 100

KNOBS = (
    "LOAD_USERS",
    "LOAD_SPAWN_RATE",
    "LOAD_DURATION",
    "LOAD_CPU_MS",
    "LOAD_USER_RPS",
    "LOAD_CLOSE_CONNECTIONS",
)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class LoadKnobs(NamedTuple):
    users: int
    spawn_rate: float
    duration_s: int
    cpu_ms: int
    user_rps: float
    close_connections: bool

    @property
    def offered_cpu_m(self) -> float:
        """CPU time that GET /cpu burns on the web pods, in millicores (ms per s)."""
        return self.users * self.user_rps * self.cpu_ms


def _env_pattern(name: str) -> re.Pattern[str]:
    # Matches the env entry `- name: NAME` followed by its `value: "..."` line.
    return re.compile(
        r"(-\s+name:\s+" + re.escape(name) + r'\s*\n\s+value:\s+)"([^"]*)"'
    )


def read_job_values(text: str) -> Dict[str, str]:
    """Return the value of every knob in the Job manifest's env list."""
    values = {}
    for name in KNOBS:
        match = _env_pattern(name).search(text)
        if not match:
            raise ValueError(f"{JOB_PATH} has no env value for {name}: add it to env")
        values[name] = match.group(2)
    return values


def render_job(text: str, overrides: Mapping[str, str]) -> str:
    """Return the manifest with the env values of ``overrides`` replaced."""
    for name, value in overrides.items():
        pattern = _env_pattern(name)
        if not pattern.search(text):
            raise ValueError(f"{JOB_PATH} has no env value for {name}: add it to env")
        text = pattern.sub(lambda m, v=value: f'{m.group(1)}"{v}"', text, count=1)
    return text


def _number(values: Mapping[str, str], name: str, kind: type, low: float, high: float):
    raw = values[name]
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        noun = "a whole number" if kind is int else "a number"
        raise ValueError(
            f"{name}={raw!r} is invalid: set it to {noun} from {low:g} to {high:g}"
        )
    return value


def parse_knobs(values: Mapping[str, str]) -> LoadKnobs:
    """Validate the knob values. Each error names the variable and the valid range."""
    close = values["LOAD_CLOSE_CONNECTIONS"].strip().lower()
    if close not in _TRUE + _FALSE:
        raise ValueError(
            f"LOAD_CLOSE_CONNECTIONS={values['LOAD_CLOSE_CONNECTIONS']!r} is invalid: "
            "set it to true or false"
        )
    return LoadKnobs(
        users=_number(values, "LOAD_USERS", int, 1, 1000),
        spawn_rate=_number(values, "LOAD_SPAWN_RATE", float, 0.1, 1000),
        duration_s=_number(values, "LOAD_DURATION", int, 10, MAX_DURATION_S),
        cpu_ms=_number(values, "LOAD_CPU_MS", int, 1, 1000),
        user_rps=_number(values, "LOAD_USER_RPS", float, 0.1, 100),
        close_connections=close in _TRUE,
    )


def _normalize(name: str, value: str) -> str:
    """Spell a boolean knob as the manifest does. Other values stay unchanged."""
    if name == "LOAD_CLOSE_CONNECTIONS":
        if value.lower() in _TRUE:
            return "true"
        if value.lower() in _FALSE:
            return "false"
    return value


def load_overrides(
    env: Mapping[str, str], defaults: Mapping[str, str]
) -> Dict[str, str]:
    """Return the knobs that ``env`` sets to a value other than the manifest's."""
    overrides = {}
    for name in KNOBS:
        value = _normalize(name, (env.get(name) or "").strip())
        if value and value != defaults[name]:
            overrides[name] = value
    return overrides


def predict_replicas(knobs: LoadKnobs) -> int:
    """Return the replicas that the formula gives for the load on one pod."""
    percent = utilization_percent(knobs.offered_cpu_m, CPU_REQUEST_M)
    return desired_replicas(
        MIN_REPLICAS, percent, TARGET_PERCENT, MIN_REPLICAS, MAX_REPLICAS
    )
