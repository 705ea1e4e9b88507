"""Tables of measurements and the verdict a demo ends with."""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Sequence


class Check(NamedTuple):
    description: str
    passed: bool
    detail: str = ""


def format_seconds(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1f} s"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Align ``rows`` under ``headers`` in plain text, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(_looks_numeric(row[i]) for row in cells[1:]) and len(cells) > 1
        for i in range(len(headers))
    ]

    def line(row: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


def _looks_numeric(text: str) -> bool:
    head = text.split(" ")[0].rstrip("%")
    try:
        float(head)
    except ValueError:
        return text == "-"
    return True


class Report:
    """The measurements and checks of one demo run; ``passed`` is the verdict."""

    def __init__(self, demo: str) -> None:
        self.demo = demo
        self.headers: Sequence[str] = ("step", "measured")
        self.rows: List[Sequence[object]] = []
        self.checks: List[Check] = []
        self.data: dict = {}

    def row(self, *cells: object) -> None:
        self.rows.append(cells)

    def check(self, description: str, passed: bool, detail: str = "") -> bool:
        self.checks.append(Check(description, bool(passed), detail))
        return bool(passed)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def render(self, plan: bool = False) -> str:
        lines = []
        if self.rows:
            lines += [format_table(self.headers, self.rows), ""]
        if plan:
            lines.append("Plan mode: nothing ran, so there is no verdict.")
            return "\n".join(lines)
        for check in self.checks:
            mark = "PASS" if check.passed else "FAIL"
            extra = f" ({check.detail})" if check.detail else ""
            lines.append(f"[{mark}] {check.description}{extra}")
        verdict = "PASS" if self.passed else "FAIL"
        lines.append(f"Verdict: {verdict}: {self.demo} demo")
        return "\n".join(lines)
