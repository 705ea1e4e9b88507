"""Percentiles, ratios and the line fit behind the page's figures."""

import pytest

from bench.stats import linear_fit, median, percentile, ratio


@pytest.mark.parametrize(
    ("q", "expected"),
    # numpy.percentile([1, 2, 3, 4, 10], q) with its default linear method.
    [(0, 1.0), (25, 2.0), (50, 3.0), (90, 7.6), (99, 9.76), (100, 10.0)],
)
def test_percentile_interpolates_like_numpy(q: float, expected: float) -> None:
    assert percentile([10, 3, 1, 4, 2], q) == pytest.approx(expected)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.5], 99) == 7.5


def test_percentile_empty_raises() -> None:
    with pytest.raises(ValueError, match="empty"):
        percentile([], 50)


def test_percentile_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="out of range"):
        percentile([1.0], 101)


def test_median_of_even_count_averages_middle() -> None:
    assert median([4, 1, 3, 2]) == 2.5


def test_ratio_zero_baseline_is_none() -> None:
    assert ratio(5, 0) is None
    assert ratio(9, 10) == pytest.approx(0.9)


def test_linear_fit_recovers_line() -> None:
    intercept, slope = linear_fit([10, 50, 200], [11.0, 51.0, 201.0])

    assert intercept == pytest.approx(1.0)
    assert slope == pytest.approx(1.0)


def test_linear_fit_equal_x_raises() -> None:
    with pytest.raises(ValueError, match="slope"):
        linear_fit([5, 5], [1, 2])
