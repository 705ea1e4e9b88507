"""Section 4: image sizes and build times, read from the container tier's report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.layout import IMAGES_REPORT_PATH


@dataclass
class ImagesSection:
    report_path: str
    found: bool
    written_at: Optional[str] = None
    base_image: Optional[str] = None
    base_size_mb: Optional[float] = None
    images: List[Dict[str, Any]] = field(default_factory=list)
    problem: Optional[str] = None


def read_images_section(path: Path = IMAGES_REPORT_PATH) -> ImagesSection:
    """Read the report of `make test-containers`.

    A missing or unreadable report gives a section that reports the problem, so the
    benchmark still writes its page.
    """
    section = ImagesSection(report_path=str(path), found=False)
    if not path.is_file():
        return section
    try:
        report = json.loads(path.read_text())
        images = [
            {
                "tag": str(image["tag"]),
                "size_mb": float(image["size_mb"]),
                "build_s": float(image["build_s"]),
            }
            for image in report["images"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        section.problem = f"{path} is not a container tier report: {error!r}"
        return section
    modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    section.found = True
    section.written_at = modified.strftime("%Y-%m-%d %H:%M UTC")
    section.base_image = report.get("base_image")
    base_size = report.get("base_size_mb")
    section.base_size_mb = float(base_size) if base_size is not None else None
    section.images = sorted(images, key=lambda image: image["tag"])
    return section
