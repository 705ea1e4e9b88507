"""Parsing of the CPU clocks that /proc and ps expose."""

import pytest

from bench.cpu_clock import (
    parse_proc_stat_busy_s,
    parse_proc_stat_cpu_s,
    parse_ps_time_s,
)

# Fields 14 (utime) and 15 (stime) are 250 and 50 ticks. The command name contains a
# space and a parenthesis, which a naive split would miscount.
PROC_PID_STAT = (
    "4242 (python -m (web)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 "
    "3 0 12345 100000000 5000 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 "
    "17 1 0 0 0 0 0"
)
PROC_STAT = (
    "cpu  1000 10 300 5000 200 5 15 20 0 0\ncpu0 500 5 150 2500 100 2 7 10 0 0\n"
)


def test_parse_proc_stat_sums_user_and_system() -> None:
    assert parse_proc_stat_cpu_s(PROC_PID_STAT, 100) == pytest.approx(3.0)


def test_parse_proc_stat_busy_excludes_idle_and_iowait() -> None:
    # user + nice + system + irq + softirq + steal = 1350 ticks.
    assert parse_proc_stat_busy_s(PROC_STAT, 100) == pytest.approx(13.5)


@pytest.mark.parametrize(
    ("text", "expected_s"),
    [
        ("0:01.25\n", 1.25),
        ("  12:00.50", 720.5),
        ("01:02:03", 3723.0),
        ("2-00:00:01", 172801.0),
    ],
)
def test_parse_ps_time_formats(text: str, expected_s: float) -> None:
    assert parse_ps_time_s(text) == pytest.approx(expected_s)
