"""Narration: step headings, the commands as they run, notes and pauses."""

from __future__ import annotations

import os
import shlex
import sys
from typing import IO, Sequence


def _use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


class Console:
    """Print what the demo does, in a form a learner can retype."""

    def __init__(self, out: IO[str] | None = None, pause: bool = False) -> None:
        self.out = out or sys.stdout
        self.pause_enabled = pause
        self.color = _use_color(self.out)
        self.step_number = 0

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str) -> None:
        self.step_number += 1
        self.write()
        self.write(self._paint(f"== {self.step_number}. {title}", "1;36"))

    def command(self, argv: Sequence[str], background: bool = False) -> None:
        line = "$ " + format_command(argv) + (" &" if background else "")
        self.write(self._paint(line, "1"))

    def note(self, text: str) -> None:
        self.write(self._paint("   " + text, "2"))

    def ok(self, text: str) -> None:
        self.write(self._paint("OK  " + text, "32"))

    def fail(self, text: str) -> None:
        self.write(self._paint("NG  " + text, "31"))

    def pause(
        self, prompt: str = "Press Enter to continue (Ctrl-C stops the demo)"
    ) -> None:
        if not self.pause_enabled:
            return
        self.out.write(self._paint(f"-- {prompt} ", "2"))
        self.out.flush()
        sys.stdin.readline()


def format_command(argv: Sequence[str]) -> str:
    """Quote ``argv`` for a POSIX shell, so the printed line can be pasted."""
    return " ".join(shlex.quote(arg) for arg in argv)


def should_pause(knob: str | None, stdin: IO[str] | None = None) -> bool:
    """Decide whether to pause between steps.

    ``knob`` is the PAUSE setting: "0"/"no"/"false" never pauses, "1"/"yes"
    always does, and anything else (the default "auto") pauses only when a
    terminal is attached to standard input.
    """
    value = (knob or "auto").strip().lower()
    if value in ("0", "no", "false", "off"):
        return False
    if value in ("1", "yes", "true", "on"):
        return True
    stream = stdin or sys.stdin
    return hasattr(stream, "isatty") and stream.isatty()
