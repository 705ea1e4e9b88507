"""Parsing of wrk's report and the command line the benchmark runs."""

import pytest

from bench.wrk import parse_duration_ms, parse_wrk_output, wrk_command

REPORT = """\
Running 5s test @ http://127.0.0.1:40000/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.21ms    3.20ms  47.82ms   96.20%
    Req/Sec    16.93k     3.15k   22.92k    76.67%
  Latency Distribution
     50%  812.00us
     75%    2.33ms
     90%    3.42ms
     99%    1.05s
  50789 requests in 5.03s, 7.02MB read
Requests/sec:  16786.11
Transfer/sec:      2.32MB
"""


def test_parse_report_reads_rate_and_percentiles() -> None:
    result = parse_wrk_output(REPORT)

    assert result.requests_per_s == 16786.11
    assert result.requests == 50789
    assert result.p50_ms == pytest.approx(0.812)
    assert result.latency_percentiles_ms["75"] == pytest.approx(2.33)
    assert result.p99_ms == pytest.approx(1050.0)
    assert result.errors == 0


def test_parse_report_counts_errors() -> None:
    text = REPORT.replace(
        "Requests/sec:",
        "  Socket errors: connect 1, read 2, write 0, timeout 3\n"
        "  Non-2xx or 3xx responses: 4\nRequests/sec:",
    )

    assert parse_wrk_output(text).errors == 10


def test_parse_report_without_latency_raises() -> None:
    text = "\n".join(
        line for line in REPORT.splitlines() if "%" not in line or "Stdev" in line
    )

    with pytest.raises(ValueError, match="--latency"):
        parse_wrk_output(text)


@pytest.mark.parametrize(
    ("number", "unit", "expected_ms"),
    [("500", "us", 0.5), ("1.5", "ms", 1.5), ("2", "s", 2000.0), ("1", "m", 60000.0)],
)
def test_parse_duration_converts_units(
    number: str, unit: str, expected_ms: float
) -> None:
    assert parse_duration_ms(number, unit) == pytest.approx(expected_ms)


def test_parse_duration_unknown_unit_raises() -> None:
    with pytest.raises(ValueError, match="unit"):
        parse_duration_ms("1", "d")


def test_wrk_command_uses_shared_load_settings() -> None:
    command = wrk_command("http://127.0.0.1:1/", 5)

    assert command[0] == "wrk"
    assert "--threads=1" in command
    assert "--connections=32" in command
    assert "--duration=5s" in command
    assert "--latency" in command
    assert command[-1] == "http://127.0.0.1:1/"


def test_wrk_command_below_one_second_raises() -> None:
    with pytest.raises(ValueError, match="at least 1 s"):
        wrk_command("http://127.0.0.1:1/", 0)
