"""Run wrk and parse its output (wrk 4.x with --latency)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Dict, List

# Load settings shared by every target, so that their figures compare.
THREADS = 1
CONNECTIONS = 32
TIMEOUT_S = 5

_UNIT_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_LATENCY_LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m|h)\s*$")
_REQUESTS_PER_S = re.compile(r"^Requests/sec:\s+(\d+(?:\.\d+)?)\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)

INSTALL_HINT = (
    "wrk not found on PATH; `make bench` uses it as the HTTP load tool. "
    "Install it: macOS `brew install wrk`, Debian or Ubuntu `sudo apt-get install wrk`."
)


@dataclass
class WrkResult:
    requests_per_s: float
    latency_percentiles_ms: Dict[str, float]
    requests: int
    errors: int

    @property
    def p50_ms(self) -> float:
        return self.latency_percentiles_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.latency_percentiles_ms["99"]


def parse_duration_ms(number: str, unit: str) -> float:
    """Convert a wrk time such as ("13.51", "ms") to milliseconds."""
    if unit not in _UNIT_S:
        raise ValueError(f"unknown wrk time unit {unit!r}: expected one of {_UNIT_S}")
    return float(number) * _UNIT_S[unit] * 1000


def parse_wrk_output(text: str) -> WrkResult:
    """Parse the report that `wrk --latency` prints.

    Errors count non-2xx/3xx responses and socket errors of every kind.
    """
    percentiles: Dict[str, float] = {}
    in_distribution = False
    for line in text.splitlines():
        if line.strip() == "Latency Distribution":
            in_distribution = True
            continue
        match = _LATENCY_LINE.match(line)
        if in_distribution and match:
            key = f"{float(match.group(1)):g}"
            percentiles[key] = parse_duration_ms(match.group(2), match.group(3))
        elif in_distribution:
            in_distribution = False
    rate = _REQUESTS_PER_S.search(text)
    total = _TOTAL.search(text)
    if (
        rate is None
        or total is None
        or "50" not in percentiles
        or "99" not in percentiles
    ):
        raise ValueError(
            "wrk output has no Requests/sec line or no 50%/99% latency lines; "
            f"was --latency passed? Output:\n{text}"
        )
    errors = sum(int(count) for count in _NON_2XX.findall(text))
    for groups in _SOCKET_ERRORS.findall(text):
        errors += sum(int(count) for count in groups)
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        latency_percentiles_ms=percentiles,
        requests=int(total.group(1)),
        errors=errors,
    )


def wrk_command(url: str, duration_s: int) -> List[str]:
    """Build the wrk command line; wrk takes whole seconds only."""
    if duration_s < 1:
        raise ValueError(f"duration_s={duration_s}: wrk needs at least 1 s")
    return [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={duration_s}s",
        f"--timeout={TIMEOUT_S}s",
        "--latency",
        url,
    ]


def run_wrk(url: str, duration_s: int) -> WrkResult:
    """Load ``url`` for ``duration_s`` seconds and return wrk's figures.

    Raises RuntimeError when wrk fails or any request failed, because a rate that
    counts errors would not compare with the others.
    """
    command = wrk_command(url, duration_s)
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=duration_s + 60, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with code {finished.returncode}: "
            f"{finished.stderr.strip() or finished.stdout.strip()}"
        )
    result = parse_wrk_output(finished.stdout)
    if result.errors:
        raise RuntimeError(
            f"{' '.join(command)}: {result.errors} of {result.requests} requests "
            f"failed; wrk output:\n{finished.stdout}"
        )
    return result


def wrk_available() -> bool:
    return shutil.which("wrk") is not None
