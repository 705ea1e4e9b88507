"""The load Job's knobs: defaults from the manifest, overrides, rendered copies."""

from __future__ import annotations

import pytest
import yaml

from demos.hpa.load import (
    JOB_FILE,
    KNOBS,
    MAX_DURATION_S,
    LoadKnobs,
    load_overrides,
    parse_knobs,
    read_job_values,
    render_job,
)

JOB_TEXT = JOB_FILE.read_text(encoding="utf-8")
DEFAULTS = read_job_values(JOB_TEXT)


def container_env(text: str) -> dict:
    job = yaml.safe_load(text)
    container = job["spec"]["template"]["spec"]["containers"][0]
    return {item["name"]: item.get("value") for item in container["env"]}


def test_defaults_match_manifest_env():
    env = container_env(JOB_TEXT)
    assert {name: env[name] for name in KNOBS} == DEFAULTS


def test_defaults_parse():
    knobs = parse_knobs(DEFAULTS)
    assert knobs == LoadKnobs(
        users=8,
        spawn_rate=2.0,
        duration_s=240,
        cpu_ms=20,
        user_rps=1.0,
        close_connections=True,
    )
    assert knobs.offered_cpu_m == 160


def test_render_changes_only_overrides():
    rendered = render_job(JOB_TEXT, {"LOAD_USERS": "12", "LOAD_DURATION": "300"})
    before = yaml.safe_load(JOB_TEXT)
    after = yaml.safe_load(rendered)
    assert container_env(rendered) == {
        **container_env(JOB_TEXT),
        "LOAD_USERS": "12",
        "LOAD_DURATION": "300",
    }
    for doc in (before, after):
        del doc["spec"]["template"]["spec"]["containers"][0]["env"]
    assert before == after


def test_render_unknown_knob_rejected():
    with pytest.raises(ValueError, match="LOAD_NOPE"):
        render_job(JOB_TEXT, {"LOAD_NOPE": "1"})


def test_read_values_missing_knob():
    with pytest.raises(ValueError, match="LOAD_USERS"):
        read_job_values(JOB_TEXT.replace("LOAD_USERS", "LOAD_PEOPLE"))


def test_overrides_only_differences():
    env = {"LOAD_USERS": "8", "LOAD_CPU_MS": "30", "LOAD_DURATION": "", "HOME": "/"}
    assert load_overrides(env, DEFAULTS) == {"LOAD_CPU_MS": "30"}


@pytest.mark.parametrize("value,expected", [("1", {}), ("on", {}), ("no", "false")])
def test_overrides_normalize_boolean(value, expected):
    overrides = load_overrides({"LOAD_CLOSE_CONNECTIONS": value}, DEFAULTS)
    if expected == {}:
        assert overrides == {}
    else:
        assert overrides == {"LOAD_CLOSE_CONNECTIONS": expected}


@pytest.mark.parametrize(
    "name,value,fragment",
    [
        ("LOAD_USERS", "0", "LOAD_USERS='0' is invalid"),
        ("LOAD_USERS", "2.5", "a whole number from 1 to 1000"),
        ("LOAD_CPU_MS", "5000", "from 1 to 1000"),
        ("LOAD_DURATION", "9999", f"from 10 to {MAX_DURATION_S}"),
        ("LOAD_SPAWN_RATE", "fast", "LOAD_SPAWN_RATE='fast'"),
        ("LOAD_CLOSE_CONNECTIONS", "maybe", "set it to true or false"),
    ],
)
def test_parse_rejects_invalid(name, value, fragment):
    with pytest.raises(ValueError) as caught:
        parse_knobs({**DEFAULTS, name: value})
    assert fragment in str(caught.value)
