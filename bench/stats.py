"""Percentiles, medians and ratios of measured samples."""

from __future__ import annotations

import math
from typing import Optional, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0-100) with linear interpolation between the
    two nearest ranks, the default of numpy.percentile."""
    if not values:
        raise ValueError("percentile of an empty sample: measure at least one value")
    if not 0 <= q <= 100:
        raise ValueError(f"q={q} is out of range: expected 0 to 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = math.ceil(position)
    fraction = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ratio(value: float, baseline: float) -> Optional[float]:
    """Return value / baseline, or None when the baseline is zero."""
    if baseline == 0:
        return None
    return value / baseline


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Return (intercept, slope) of the least-squares line through the points."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"need two or more (x, y) pairs, got {len(xs)} and {len(ys)}")
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("all x values are equal: the slope is undefined")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread
    return mean_y - slope * mean_x, slope
