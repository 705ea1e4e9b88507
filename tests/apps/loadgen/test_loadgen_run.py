"""locust runs headless for a few seconds against real `python -m web` processes.

Two web processes stand in for two pods behind a per-connection balancer, as a
Service balances. Each run is short and bounded: a few users for a few seconds.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

from demos.hpa.status import parse_summary
from tests.apps.loadgen.balancer import Balancer
from tests.apps.loadgen.processes import (
    aggregated_stats,
    pod_counts,
    run_loadgen,
    start_servers,
)
from tests.support.tools import require

PODS = ["web-hpa-test-a", "web-hpa-test-b"]
USERS = 4
KNOBS = {
    "LOAD_USERS": str(USERS),
    "LOAD_SPAWN_RATE": "4",
    "LOAD_DURATION": "4",
    "LOAD_CPU_MS": "5",
    "LOAD_USER_RPS": "4",
    "LOAD_REPORT_INTERVAL_S": "1",
}


class Run(NamedTuple):
    returncode: int
    output: str
    csv_prefix: Path
    connections: int
    served: dict  # requests of GET /cpu by pod, from each server's /metrics


def run_against_two_pods(tmp_path: Path, close_connections: str) -> Run:
    require(
        importlib.util.find_spec("locust") is not None,
        "locust not installed: pip install -r apps/loadgen/requirements.txt",
    )
    servers = start_servers(PODS, tmp_path)
    balancer = Balancer([s.port for s in servers]).start()
    try:
        prefix = tmp_path / "csv" / "loadgen"
        done = run_loadgen(
            balancer.url, prefix, LOAD_CLOSE_CONNECTIONS=close_connections, **KNOBS
        )
        served = {s.pod_name: s.cpu_requests() for s in servers}
    finally:
        balancer.stop()
        for server in servers:
            server.stop()
    return Run(
        done.returncode, done.stdout + done.stderr, prefix, balancer.connections, served
    )


@pytest.fixture(scope="module")
def closing_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield run_against_two_pods(tmp_path_factory.mktemp("closing"), "true")


@pytest.fixture(scope="module")
def keep_alive_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    yield run_against_two_pods(tmp_path_factory.mktemp("keep-alive"), "false")


def test_run_exits_zero(closing_run: Run) -> None:
    assert closing_run.returncode == 0, closing_run.output


def test_run_has_no_failures(closing_run: Run) -> None:
    stats = aggregated_stats(closing_run.csv_prefix)
    assert int(stats["Request Count"]) > 0
    assert int(stats["Failure Count"]) == 0


def test_pods_csv_names_every_pod(closing_run: Run) -> None:
    counts = pod_counts(closing_run.csv_prefix)
    assert sorted(counts) == PODS
    assert all(count > 0 for count in counts.values())


def test_pods_csv_matches_server_counts(closing_run: Run) -> None:
    # The X-Pod header locust recorded agrees with each server's own counter.
    counts = pod_counts(closing_run.csv_prefix)
    assert {pod: float(n) for pod, n in counts.items()} == closing_run.served


def test_pods_csv_totals_summary_requests(closing_run: Run) -> None:
    # locust rewrites <prefix>_stats.csv once a second, so its last rows may miss
    # the final second; the summary line is taken after the last request.
    summary = parse_summary(closing_run.output)
    assert summary is not None, closing_run.output
    assert sum(pod_counts(closing_run.csv_prefix).values()) == summary["requests"]


def test_summary_line_parses(closing_run: Run) -> None:
    summary = parse_summary(closing_run.output)
    assert summary is not None, closing_run.output
    assert summary["failures"] == 0
    assert summary["loadgen_pod"] == "loadgen-test"
    assert summary["pods"] == pod_counts(closing_run.csv_prefix)
    assert summary["requests"] == sum(summary["pods"].values())


def test_periodic_pod_lines_logged(closing_run: Run) -> None:
    assert "requests by pod so far (pod loadgen-test)" in closing_run.output


def test_closing_opens_connection_per_request(closing_run: Run) -> None:
    summary = parse_summary(closing_run.output)
    assert summary is not None, closing_run.output
    assert closing_run.connections == summary["requests"]


def test_keep_alive_reuses_connections(keep_alive_run: Run) -> None:
    assert keep_alive_run.returncode == 0, keep_alive_run.output
    summary = parse_summary(keep_alive_run.output)
    assert summary is not None, keep_alive_run.output
    requests = summary["requests"]
    # One connection per user for the whole run, so the balancer chose a pod
    # only USERS times however many requests were sent.
    assert keep_alive_run.connections <= USERS
    assert requests > keep_alive_run.connections
