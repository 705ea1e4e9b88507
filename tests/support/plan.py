"""Run a demo in plan mode and collect the commands it prints."""

from __future__ import annotations

import io
from pathlib import Path
from typing import List, Sequence

from demos.console import Console
from demos.framework import run_demo
from demos.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def plan_output(demo) -> str:
    out = io.StringIO()
    run_demo(demo, Settings({"PLAN": "1", "PAUSE": "0"}), Console(out))
    return out.getvalue()


def plan_commands(demo) -> List[str]:
    """Return the printed command lines, without the "$ " prompt."""
    return [
        line[2:] for line in plan_output(demo).splitlines() if line.startswith("$ ")
    ]


def readme_text(folder: str) -> str:
    return (ROOT / folder / "README.md").read_text(encoding="utf-8")


def assert_in_order(commands: Sequence[str], fragments: Sequence[str]) -> None:
    """Assert that each fragment is in a command after the previous fragment's."""
    position = 0
    for fragment in fragments:
        matches = [i for i, c in enumerate(commands) if fragment in c and i >= position]
        assert matches, f"{fragment!r} missing after command {position}"
        position = matches[0] + 1
