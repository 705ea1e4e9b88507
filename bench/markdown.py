"""Markdown tables and the number formats of the benchmark page."""

from __future__ import annotations

from typing import Optional, Sequence


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1
) -> str:
    """Render a Markdown table whose columns from ``numeric_from`` on align right."""
    aligns = [
        "---" if index < numeric_from else "---:" for index in range(len(headers))
    ]
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(aligns) + " |",
    ]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(
                f"row {row!r} has {len(row)} cells for {len(headers)} headers"
            )
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def number(value: float) -> str:
    """Format a rate or count: thousands separated, decimals only below 100."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ms(value: float) -> str:
    """Format milliseconds with three significant digits (at least two decimals
    below 1 ms)."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}"


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"
