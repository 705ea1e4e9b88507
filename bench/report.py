"""Everything one run of the benchmark measured, as the page renderer reads it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from bench.cpu_bench import CpuSection
from bench.images import ImagesSection
from bench.queue_results import QueueSection
from bench.web_bench import WebSection


@dataclass
class BenchReport:
    command: str
    started_at: str
    duration_s: float
    machine: Dict[str, str]
    web: Optional[WebSection]
    cpu: Optional[CpuSection]
    queue: Optional[QueueSection]
    images: ImagesSection


def write_json(report: BenchReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dataclasses.asdict(report), indent=2) + "\n")
