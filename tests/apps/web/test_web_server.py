"""Tests of `python -m web` as a real uvicorn process on a loopback port."""

from __future__ import annotations

import re
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List

import httpx

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
StartWeb = Callable[..., Any]


def log_position(logs: str, pattern: str) -> int:
    """Return the offset of the first log line matching pattern, failing if none."""
    match = re.search(pattern, logs, flags=re.MULTILINE)
    assert match is not None, f"no log line matches {pattern!r} in:\n{logs}"
    return match.start()


def test_run_web_serves_info_over_http(start_web: StartWeb, pod_name: str) -> None:
    web = start_web(MESSAGE="served by a real uvicorn")

    response = web.get("/")

    assert response.status_code == 200
    assert response.headers["x-pod"] == pod_name
    info = response.json()
    assert info["pod"] == pod_name
    assert info["namespace"] == "demo-hpa"
    assert info["version"] == "1.2.3"
    assert info["message"] == "served by a real uvicorn"
    page = web.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    assert f'<h1 style="color: #ff6600">{pod_name}</h1>' in page.text
    missing = web.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["x-pod"] == pod_name


def test_get_cpu_consumes_server_cpu_time(start_web: StartWeb) -> None:
    web = start_web()
    # The first burn starts the worker thread; keep that cost out of the measurement.
    assert web.get("/cpu?ms=5").status_code == 200
    before_s = web.cpu_time_s()

    response = web.get("/cpu?ms=200")

    used_ms = (web.cpu_time_s() - before_s) * 1000
    assert response.status_code == 200
    assert response.json()["requested_ms"] == 200
    assert response.json()["burned_ms"] >= 200
    # /proc counts in clock ticks (10 ms at the usual 100 Hz), hence the wide band.
    assert 160 <= used_ms <= 300, f"server used {used_ms:.0f} ms of CPU for 200 ms"


def test_get_livez_answers_during_cpu_burn(
    start_web: StartWeb, executor: ThreadPoolExecutor
) -> None:
    web = start_web()
    burn = web.start_slow_request(executor, 1000)

    live = web.get("/livez")

    assert live.status_code == 200
    assert not burn.done(), "the burn ended before /livez answered"
    assert burn.result(timeout=30).status_code == 200


def test_get_metrics_counts_real_requests(start_web: StartWeb) -> None:
    web = start_web()
    web.get("/")
    web.get("/cpu?ms=10")
    web.get("/cpu?ms=abc")

    response = web.get("/metrics")

    assert response.status_code == 200
    text = response.text
    assert 'web_http_requests_total{method="GET",route="/",status="200"} 1.0' in text
    assert 'web_http_requests_total{method="GET",route="/cpu",status="422"} 1.0' in text
    assert "web_cpu_burn_seconds_total" in text
    assert "web_ready 1.0" in text
    assert "process_cpu_seconds_total" in text


def test_sigterm_during_slow_request_drains_then_exits(
    start_web: StartWeb, executor: ThreadPoolExecutor, pod_name: str
) -> None:
    web = start_web(SHUTDOWN_DRAIN_S="2")
    burn = web.start_slow_request(executor, 800)
    readiness: List[httpx.Response] = []

    def readiness_fails() -> bool:
        try:
            readiness.append(web.get("/readyz"))
        except httpx.TransportError:
            return False
        return readiness[-1].status_code == 503

    web.proc.send_signal(signal.SIGTERM)
    web.wait_until(readiness_fails, "/readyz to return 503 during the drain")

    assert readiness[-1].status_code == 503
    assert readiness[-1].headers["x-pod"] == pod_name
    assert readiness[-1].json()["reason"].startswith("draining")
    response = burn.result(timeout=30)
    assert response.status_code == 200
    assert response.json()["requested_ms"] == 800
    assert web.wait_for_exit() == 0
    logs = web.logs()
    draining = log_position(logs, rf"pod={pod_name} INFO web.server: draining: SIGTERM")
    stopping = log_position(logs, rf"pod={pod_name} INFO web.server: stopping:")
    stopped = log_position(logs, rf"pod={pod_name} INFO web.server: stopped$")
    assert draining < stopping < stopped


def test_sigterm_without_drain_finishes_in_flight_request(
    start_web: StartWeb, executor: ThreadPoolExecutor
) -> None:
    web = start_web(SHUTDOWN_DRAIN_S="0", ACCESS_LOG="true")
    burn = web.start_slow_request(executor, 1000)

    web.proc.send_signal(signal.SIGTERM)
    web.wait_until(lambda: web.readiness_status() == 0, "the listener to close")

    response = burn.result(timeout=30)
    assert response.status_code == 200
    assert web.wait_for_exit() == 0
    logs = web.logs()
    stopping = log_position(logs, r"web.server: stopping:")
    completed = log_position(logs, r'"GET /cpu\?ms=1000 HTTP/1.1" 200')
    assert stopping < completed, "the request did not outlive the listener"


def test_second_sigterm_forces_exit_during_drain(start_web: StartWeb) -> None:
    web = start_web(SHUTDOWN_DRAIN_S="120")
    web.proc.send_signal(signal.SIGTERM)
    web.wait_until(lambda: web.readiness_status() == 503, "/readyz to return 503")

    web.proc.send_signal(signal.SIGTERM)

    assert web.wait_for_exit() == 0
    assert "second signal received" in web.logs()


def test_sigint_stops_without_drain(start_web: StartWeb) -> None:
    web = start_web(SHUTDOWN_DRAIN_S="120")

    web.proc.send_signal(signal.SIGINT)

    assert web.wait_for_exit() == 0
    logs = web.logs()
    assert "draining: SIGINT received, stopping without a drain" in logs
    assert log_position(logs, r"web.server: stopped$") > 0


def test_run_web_rejects_invalid_env(run_web_until_exit: Callable[..., Any]) -> None:
    result = run_web_until_exit(PORT="abc", COLOR="url(x)")

    assert result.returncode == 2
    assert "invalid environment variable PORT='abc'" in result.stderr
    assert "invalid environment variable COLOR='url(x)'" in result.stderr
    assert "Traceback" not in result.stderr
