"""Unit tests of the web app's settings, CPU burn and page rendering."""

from __future__ import annotations

import json
import socket
import time

import pytest
from pydantic import ValidationError
from web import page
from web.cpu import burn_cpu_ms, parse_ms
from web.settings import Settings, describe_settings_error


def test_load_settings_defaults_without_env() -> None:
    hostname = socket.gethostname()

    settings = Settings()

    assert hostname == settings.POD_NAME
    assert hostname == settings.NODE_NAME
    assert settings.POD_NAMESPACE == "local"
    assert settings.APP_VERSION == "0.1.0"
    assert settings.HOST == "127.0.0.1"
    assert settings.PORT == 8080
    assert settings.CPU_MAX_MS == 1000
    assert settings.SHUTDOWN_DRAIN_S > 0
    assert settings.ACCESS_LOG is False


def test_load_settings_reads_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POD_NAME", "web-abc")
    monkeypatch.setenv("PORT", "9090")
    monkeypatch.setenv("COLOR", "teal")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("SHUTDOWN_DRAIN_S", "0.5")

    settings = Settings()

    assert settings.POD_NAME == "web-abc"
    assert settings.PORT == 9090
    assert settings.COLOR == "teal"
    assert settings.LOG_LEVEL == "DEBUG"
    assert settings.SHUTDOWN_DRAIN_S == 0.5


def test_load_settings_ignores_empty_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POD_IP", "")

    assert Settings().POD_IP == "unknown"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "0"),
        ("PORT", "70000"),
        ("COLOR", "red;background:url(x)"),
        ("COLOR", "#12345"),
        ("CPU_MAX_MS", "0"),
        ("SHUTDOWN_DRAIN_S", "-1"),
        ("SHUTDOWN_TIMEOUT_S", "0"),
        ("LOG_LEVEL", "LOUD"),
        ("POD_NAME", "web abc"),
        ("ACCESS_LOG", "maybe"),
    ],
)
def test_load_settings_rejects_invalid_env(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError) as caught:
        Settings()

    message = describe_settings_error(caught.value)
    assert message.startswith(f"invalid environment variable {name}={value!r}: ")


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("250", 250), ("007", 7)])
def test_parse_ms_accepts_range(raw: str, expected: int) -> None:
    assert parse_ms(raw, max_ms=250) == expected


@pytest.mark.parametrize("raw", [None, "", "0", "251", "-1", "1.5", "abc", " 5", "٥"])
def test_parse_ms_rejects_invalid_value(raw: object) -> None:
    with pytest.raises(ValueError, match="an integer from 1 to 250"):
        parse_ms(raw, max_ms=250)  # type: ignore[arg-type]


def test_burn_cpu_ms_uses_thread_cpu_time() -> None:
    start_s = time.thread_time()

    burned_ms = burn_cpu_ms(30)

    used_ms = (time.thread_time() - start_s) * 1000
    assert burned_ms >= 30
    assert used_ms >= burned_ms


def test_render_json_produces_valid_json(settings: Settings) -> None:
    body = page.render_json(page.render_json_prefix(settings), 12.3456)

    info = json.loads(body)
    assert info["pod"] == settings.POD_NAME
    assert info["message"] == settings.MESSAGE
    assert info["uptime_s"] == 12.346


def test_render_html_escapes_text(settings: Settings) -> None:
    html = page.render_html(settings).decode()

    assert "Hello &lt;pods&gt; &amp; friends" in html
    assert "<pods>" not in html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (b"text/html,application/xhtml+xml,*/*;q=0.8", True),
        (b"application/json", False),
        (b"*/*", False),
        (None, False),
    ],
)
def test_accepts_html_reads_accept_header(accept: object, expected: bool) -> None:
    headers = [(b"host", b"example")]
    if accept is not None:
        headers.append((b"accept", accept))

    assert page.accepts_html(headers) is expected  # type: ignore[arg-type]
