"""In-process tests of the web app's HTTP behaviour, through httpx's ASGITransport."""

from __future__ import annotations

import re

import httpx
import pytest
from web.app import create_app
from web.lifecycle import Lifecycle
from web.settings import Settings

pytestmark = pytest.mark.anyio

BASE_URL = "http://testserver"

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def metric_value(text: str, sample: str) -> float:
    """Return the value of one sample line, such as 'web_ready 1.0', in metrics text."""
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, flags=re.MULTILINE)
    assert match is not None, f"{sample} not found in:\n{text}"
    return float(match.group(1))


async def test_get_info_returns_pod_fields(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    info = response.json()
    assert info["pod"] == pod_name
    assert info["namespace"] == "demo-hpa"
    assert info["pod_ip"] == "192.0.2.10"
    assert info["node"] == "demo-node-1"
    assert info["version"] == "1.2.3"
    assert info["color"] == "#ff6600"
    assert info["message"] == "Hello <pods> & friends"
    assert isinstance(info["hostname"], str)
    assert info["uptime_s"] >= 0


async def test_get_info_returns_html_for_browser(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    response = await client.get("/", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-pod"] == pod_name
    html = response.text
    assert f'<h1 style="color: #ff6600">{pod_name}</h1>' in html
    assert "version 1.2.3" in html
    assert "Hello &lt;pods&gt; &amp; friends" in html
    # Self-contained: no scripts, stylesheets or images from anywhere.
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html
    assert "src=" not in html


async def test_get_info_disables_caching(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["vary"] == "accept"


@pytest.mark.parametrize(
    ("method", "path", "expected_status"),
    [
        ("GET", "/", 200),
        ("GET", "/livez", 200),
        ("GET", "/readyz", 200),
        ("GET", "/metrics", 200),
        ("GET", "/cpu?ms=1", 200),
        ("GET", "/cpu?ms=0", 422),
        ("GET", "/no-such-page", 404),
        ("POST", "/", 405),
    ],
)
async def test_get_any_route_returns_x_pod(
    client: httpx.AsyncClient,
    pod_name: str,
    method: str,
    path: str,
    expected_status: int,
) -> None:
    response = await client.request(method, path)

    assert response.status_code == expected_status
    assert response.headers["x-pod"] == pod_name


async def test_get_readyz_returns_503_with_x_pod_when_disabled(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    await client.post("/readyz/disable")

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.headers["x-pod"] == pod_name


async def test_get_livez_returns_ok(client: httpx.AsyncClient, pod_name: str) -> None:
    response = await client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "pod": pod_name}


async def test_get_readyz_returns_ready_after_startup(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"ready": True, "pod": pod_name}


async def test_get_readyz_returns_503_before_startup(settings: Settings) -> None:
    # ASGITransport sends no lifespan events, so the startup never runs here.
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["reason"].startswith("starting")


async def test_post_readyz_disable_fails_readiness(client: httpx.AsyncClient) -> None:
    response = await client.post("/readyz/disable")

    assert response.status_code == 200
    assert response.json()["ready"] is False
    assert response.json()["reason"].startswith("disabled")
    readiness = await client.get("/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["ready"] is False
    assert "POST /readyz/enable" in readiness.json()["reason"]
    assert (await client.get("/livez")).status_code == 200


async def test_post_readyz_enable_restores_readiness(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    await client.post("/readyz/disable")

    response = await client.post("/readyz/enable")

    assert response.status_code == 200
    assert response.json() == {"ready": True, "pod": pod_name}
    assert (await client.get("/readyz")).status_code == 200


async def test_get_readyz_returns_503_while_draining(
    client: httpx.AsyncClient, lifecycle: Lifecycle
) -> None:
    lifecycle.draining = True

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["reason"].startswith("draining")


async def test_post_readyz_enable_keeps_draining(
    client: httpx.AsyncClient, lifecycle: Lifecycle
) -> None:
    lifecycle.draining = True

    response = await client.post("/readyz/enable")

    assert response.status_code == 200
    assert response.json()["ready"] is False
    assert response.json()["reason"].startswith("draining")


async def test_get_cpu_returns_burned_ms(
    client: httpx.AsyncClient, pod_name: str
) -> None:
    response = await client.get("/cpu", params={"ms": "20"})

    assert response.status_code == 200
    result = response.json()
    assert result["pod"] == pod_name
    assert result["requested_ms"] == 20
    assert result["burned_ms"] >= 20
    assert result["wall_ms"] > 0


@pytest.mark.parametrize(
    "query", ["?ms=0", "?ms=501", "?ms=-5", "?ms=abc", "?ms=2.5", ""]
)
async def test_get_cpu_rejects_invalid_ms(
    client: httpx.AsyncClient, pod_name: str, query: str
) -> None:
    response = await client.get("/cpu" + query)

    assert response.status_code == 422
    assert response.headers["x-pod"] == pod_name
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "ms"]
    assert "an integer from 1 to 500" in error["msg"]
    assert "CPU_MAX_MS" in error["msg"]


async def test_get_openapi_documents_cpu_range(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    (parameter,) = response.json()["paths"]["/cpu"]["get"]["parameters"]
    assert parameter["name"] == "ms"
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}


async def test_get_metrics_counts_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/")
    await client.get("/")
    await client.get("/cpu", params={"ms": "5"})
    await client.get("/cpu", params={"ms": "0"})
    await client.get("/no-such-page")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    requests = "web_http_requests_total"
    assert metric_value(text, f'{requests}{{method="GET",route="/",status="200"}}') == 2
    assert (
        metric_value(text, f'{requests}{{method="GET",route="/cpu",status="200"}}') == 1
    )
    assert (
        metric_value(text, f'{requests}{{method="GET",route="/cpu",status="422"}}') == 1
    )
    unmatched = f'{requests}{{method="GET",route="unmatched",status="404"}}'
    assert metric_value(text, unmatched) == 1
    assert "/no-such-page" not in text
    duration = 'web_http_request_duration_seconds_count{method="GET",route="/"}'
    assert metric_value(text, duration) == 2
    assert metric_value(text, "web_cpu_burn_seconds_total") >= 0.005
    assert metric_value(text, "web_ready") == 1
    assert 'web_app_info{pod="web-7d9c8b6f5-x2k4p",version="1.2.3"} 1.0' in text
    assert "_created" not in text


async def test_get_metrics_reports_not_ready(client: httpx.AsyncClient) -> None:
    await client.post("/readyz/disable")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert metric_value(response.text, "web_ready") == 0


async def test_get_metrics_serves_openmetrics_when_asked(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")
