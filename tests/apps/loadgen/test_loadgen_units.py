"""Settings, the locust command line and the per-pod tally of the load generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from loadgen.__main__ import LOCUSTFILE, STOP_TIMEOUT_S, locust_argv
from loadgen.pods import UNKNOWN_POD, PodTally
from loadgen.settings import Settings, describe_settings_error
from pydantic import ValidationError

from demos.hpa.status import parse_summary
from tests.apps.loadgen.processes import LOADGEN_DIR, clean_env, read_rows

KNOB_NAMES = [name for name in Settings.model_fields if name.startswith("LOAD_")]


@pytest.fixture(autouse=True)
def clean_knobs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*KNOB_NAMES, "TARGET_URL", "POD_NAME"]:
        monkeypatch.delenv(name, raising=False)


def option(argv: list, name: str) -> str:
    return argv[argv.index(name) + 1]


def test_settings_read_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAD_USERS", "12")
    monkeypatch.setenv("LOAD_CLOSE_CONNECTIONS", "false")
    settings = Settings()
    assert settings.LOAD_USERS == 12
    assert settings.LOAD_CLOSE_CONNECTIONS is False


def test_settings_offered_cpu() -> None:
    settings = Settings(LOAD_USERS=8, LOAD_USER_RPS=1.0, LOAD_CPU_MS=20)
    assert settings.offered_cpu_ms_per_s == 160


@pytest.mark.parametrize(
    "name,value",
    [
        ("LOAD_USERS", "0"),
        ("LOAD_CPU_MS", "1001"),
        ("LOAD_DURATION", "ten"),
        ("LOAD_SPAWN_RATE", "0"),
        ("TARGET_URL", "web"),
    ],
)
def test_settings_error_names_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    message = describe_settings_error(caught.value)
    assert message.startswith(f"invalid environment variable {name}={value!r}")


def test_argv_runs_headless_with_knobs() -> None:
    settings = Settings(
        TARGET_URL="http://127.0.0.1:9",
        LOAD_USERS=3,
        LOAD_SPAWN_RATE=1.5,
        LOAD_DURATION=30,
        LOAD_CSV_PREFIX="/tmp/run/loadgen",
    )
    argv = locust_argv(settings, python="python")
    assert argv[:3] == ["python", "-m", "locust"]
    assert "--headless" in argv
    assert option(argv, "--locustfile") == str(LOCUSTFILE)
    assert option(argv, "--host") == "http://127.0.0.1:9"
    assert option(argv, "--users") == "3"
    assert option(argv, "--spawn-rate") == "1.5"
    assert option(argv, "--run-time") == "30s"
    assert option(argv, "--csv") == "/tmp/run/loadgen"
    assert option(argv, "--stop-timeout") == str(STOP_TIMEOUT_S)


def test_locustfile_exists() -> None:
    assert LOCUSTFILE.is_file()
    assert LOCUSTFILE.parent == LOADGEN_DIR


def test_invalid_env_exits_2_with_message() -> None:
    env = clean_env(LOADGEN_DIR, LOAD_CPU_MS="0")
    done = subprocess.run(
        [sys.executable, "-m", "loadgen"],
        cwd=LOADGEN_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "invalid environment variable LOAD_CPU_MS='0'" in done.stderr


def test_tally_counts_by_pod() -> None:
    tally = PodTally()
    for pod in ["web-b", "web-a", "web-b", None]:
        tally.record(pod)
    assert tally.total == 4
    assert tally.served_pods() == {"web-a": 1, "web-b": 2}
    assert tally.format_counts() == "web-a=1 web-b=2"


def test_tally_empty_format() -> None:
    assert PodTally().format_counts() == "none yet"


def test_tally_csv_rows(tmp_path: Path) -> None:
    tally = PodTally()
    tally.record("web-a")
    tally.record(None)
    path = tmp_path / "out" / "loadgen_pods.csv"
    tally.write_csv(str(path))
    assert read_rows(path) == [
        {"pod": UNKNOWN_POD, "requests": "1"},
        {"pod": "web-a", "requests": "1"},
    ]


def test_summary_line_is_what_driver_parses() -> None:
    tally = PodTally()
    tally.record("web-a")
    tally.record("web-a")
    line = tally.summary_line("loadgen-x", requests=3, failures=1)
    log = f"[2026-01-01 00:00:00,000] loadgen-x/INFO/locustfile: {line}\nShutting down"
    assert parse_summary(log) == {
        "failures": 1,
        "loadgen_pod": "loadgen-x",
        "pods": {"web-a": 2},
        "requests": 3,
    }
