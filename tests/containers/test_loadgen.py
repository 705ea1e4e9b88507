"""The load generator image runs a short headless locust against the web image."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.containers.running import wait_for_http_ok
from tests.support.docker import free_port

# Cold image builds run inside the first test that needs each image.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]

LOAD_DURATION_S = 5
WEB_POD_NAME = "web-loadgen-test"


def test_loadgen_runs_without_failures(
    web_image: str, loadgen_image: str, start_container, tmp_path: Path
) -> None:
    port = free_port()
    web_env = {"HOST": "127.0.0.1", "PORT": str(port), "POD_NAME": WEB_POD_NAME}
    web = start_container(web_image, env=web_env, options=["--read-only"])
    wait_for_http_ok(web, f"http://127.0.0.1:{port}/readyz")

    # /tmp of the load generator is a host folder here (an emptyDir in the Job), so
    # the CSV files that locust writes there outlive the container.
    tmp_path.chmod(0o1777)
    load_env = {
        "TARGET_URL": f"http://127.0.0.1:{port}",
        "LOAD_USERS": "4",
        "LOAD_SPAWN_RATE": "4",
        "LOAD_DURATION": str(LOAD_DURATION_S),
        "LOAD_CPU_MS": "5",
        "LOAD_USER_RPS": "5",
        "POD_NAME": "loadgen-test",
    }
    options = ["--read-only", "--volume", f"{tmp_path}:/tmp"]
    loadgen = start_container(loadgen_image, env=load_env, options=options)
    exit_code = loadgen.wait(timeout_s=LOAD_DURATION_S + 120)
    logs = loadgen.logs()

    assert exit_code == 0, logs[-3000:]
    with (tmp_path / "loadgen_stats.csv").open(newline="") as stats_file:
        rows = {row["Name"]: row for row in csv.DictReader(stats_file)}
    assert int(rows["Aggregated"]["Request Count"]) > 0, logs[-3000:]
    assert int(rows["Aggregated"]["Failure Count"]) == 0, logs[-3000:]
    assert WEB_POD_NAME in (tmp_path / "loadgen_pods.csv").read_text()
