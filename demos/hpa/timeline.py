"""The HPA demo's timeline: one Sample per reading, as CSV and as a live table."""

from __future__ import annotations

import csv
import os
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple

PHASE_LOAD = "load"
PHASE_COOLDOWN = "cooldown"


class Sample(NamedTuple):
    """One reading, ``elapsed_s`` seconds after the load started."""

    elapsed_s: float
    phase: str  # PHASE_LOAD while locust runs, PHASE_COOLDOWN after it stopped
    current_replicas: int
    desired_replicas: int
    cpu_percent: Optional[int]  # None while the HPA shows <unknown>
    target_percent: int
    requests_per_s: float
    serving_pods: int
    ready_pods: int


CSV_COLUMNS: Tuple[str, ...] = Sample._fields


def write_csv(samples: Iterable[Sample], path: str) -> None:
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for sample in samples:
            writer.writerow(
                [
                    f"{sample.elapsed_s:.1f}",
                    sample.phase,
                    sample.current_replicas,
                    sample.desired_replicas,
                    "" if sample.cpu_percent is None else sample.cpu_percent,
                    sample.target_percent,
                    f"{sample.requests_per_s:.2f}",
                    sample.serving_pods,
                    sample.ready_pods,
                ]
            )


def read_csv(path: str) -> List[Sample]:
    """Read a timeline that ``write_csv`` wrote. An empty cpu_percent becomes None."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(
                f"{path} is not an HPA timeline: columns {', '.join(missing)} missing"
            )
        return [_parse_row(row) for row in reader]


def _parse_row(row: dict) -> Sample:
    cpu = row["cpu_percent"]
    return Sample(
        elapsed_s=float(row["elapsed_s"]),
        phase=row["phase"],
        current_replicas=int(row["current_replicas"]),
        desired_replicas=int(row["desired_replicas"]),
        cpu_percent=int(cpu) if cpu else None,
        target_percent=int(row["target_percent"]),
        requests_per_s=float(row["requests_per_s"]),
        serving_pods=int(row["serving_pods"]),
        ready_pods=int(row["ready_pods"]),
    )


# Live table columns: (heading, width). Cells are right-aligned to the width.
LIVE_COLUMNS: Sequence[Tuple[str, int]] = (
    ("elapsed", 8),
    ("phase", 8),
    ("replicas", 8),
    ("desired", 7),
    ("formula", 7),
    ("cpu/target", 13),
    ("req/s", 7),
    ("serving/ready", 13),
)


def _join(cells: Sequence[str]) -> str:
    return "  ".join(
        cell.rjust(width) for cell, (_, width) in zip(cells, LIVE_COLUMNS)
    ).rstrip()


def format_live_header() -> str:
    """Return the heading and rule lines printed above the live rows."""
    headings = _join([heading for heading, _ in LIVE_COLUMNS])
    rule = "  ".join("-" * width for _, width in LIVE_COLUMNS)
    return f"{headings}\n{rule}"


def format_live_row(sample: Sample, formula: Optional[int]) -> str:
    """Format one reading. ``formula`` is the replica count the formula gives."""
    cpu = "<unknown>" if sample.cpu_percent is None else f"{sample.cpu_percent}%"
    return _join(
        [
            f"{sample.elapsed_s:.0f} s",
            sample.phase,
            str(sample.current_replicas),
            str(sample.desired_replicas),
            "-" if formula is None else str(formula),
            f"{cpu}/{sample.target_percent}%",
            f"{sample.requests_per_s:.1f}",
            f"{sample.serving_pods}/{sample.ready_pods}",
        ]
    )
