"""The HPA formula the demo predicts with, and the request counter it reads."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import generate_latest
from web.lifecycle import Lifecycle
from web.metrics import WebMetrics
from web.settings import Settings as WebSettings

from demos.hpa.formula import (
    TOLERANCE,
    count_requests,
    desired_replicas,
    parse_labels,
    utilization_percent,
)


@pytest.mark.parametrize(
    "current,utilization,expected",
    [
        (1, 160, 4),  # the demo's default load: ceil(1 x 160 / 50) = ceil(3.2)
        (1, 200, 4),  # exactly 4x the target
        (4, 40, 4),  # ratio 0.8: ceil(4 x 0.8) = ceil(3.2) = 4
        (4, 20, 2),  # ratio 0.4: ceil(1.6) = 2
        (5, 2, 1),  # idle after the load: ceil(0.2) = 1
        (2, 130, 5),  # ratio 2.6: ceil(5.2) = 6, clamped to max 5
        (3, 54, 3),  # ratio 1.08: within the 0.1 tolerance, no change
        (3, 46, 3),  # ratio 0.92: within the tolerance
        (3, 56, 4),  # ratio 1.12: ceil(3.36) = 4
        (3, 44, 3),  # ratio 0.88: ceil(2.64) = 3
        (2, 30, 2),  # ratio 0.6: ceil(1.2) = 2
    ],
)
def test_desired_replicas_formula(current, utilization, expected):
    assert desired_replicas(current, utilization, 50, 1, 5) == expected


def test_desired_replicas_clamps_to_min():
    assert desired_replicas(4, 1, 50, 2, 5) == 2


def test_desired_replicas_clamps_within_tolerance():
    # Within the tolerance the count stays, but never outside min..max.
    assert desired_replicas(7, 50, 50, 1, 5) == 5


def test_desired_replicas_zero_current():
    assert desired_replicas(0, 500, 50, 1, 5) == 0


def test_desired_replicas_rejects_zero_target():
    with pytest.raises(ValueError, match="target=0"):
        desired_replicas(1, 50, 0, 1, 5)


@given(
    current=st.integers(min_value=1, max_value=50),
    utilization=st.integers(min_value=0, max_value=2000),
    target=st.integers(min_value=1, max_value=200),
)
def test_desired_replicas_properties(current, utilization, target):
    min_replicas, max_replicas = 1, 20
    desired = desired_replicas(current, utilization, target, min_replicas, max_replicas)
    assert min_replicas <= desired <= max_replicas
    ratio = utilization / target
    if abs(1.0 - ratio) <= TOLERANCE:
        assert desired == min(max(current, min_replicas), max_replicas)
    else:
        unclamped = math.ceil(ratio * current)
        assert desired == min(max(unclamped, min_replicas), max_replicas)
        # At the unclamped count, the average falls to at most the target.
        assert unclamped * target >= current * utilization - 1e-9


def test_utilization_relative_to_request():
    assert utilization_percent(160, 100) == 160
    assert utilization_percent(25, 250) == 10


def test_utilization_without_request_explains_unknown():
    with pytest.raises(ValueError, match="<unknown>"):
        utilization_percent(50, 0)


def web_metrics_text() -> str:
    """Render the web app's real /metrics body after a few recorded requests."""
    metrics = WebMetrics(WebSettings(POD_NAME="web-test-1"), Lifecycle())
    for _ in range(3):
        metrics.observe_request("GET", "/cpu", 200, 0.02)
    metrics.observe_request("GET", "/cpu", 422, 0.001)
    metrics.observe_request("GET", "/readyz", 200, 0.001)
    metrics.observe_request("GET", "/metrics", 200, 0.001)
    return generate_latest(metrics.registry).decode()


def test_count_requests_sums_route_statuses():
    assert count_requests(web_metrics_text()) == 4


def test_count_requests_other_route():
    assert count_requests(web_metrics_text(), route="/readyz") == 1


def test_count_requests_declared_but_unused():
    text = "# TYPE web_http_requests_total counter\n"
    assert count_requests(text) == 0


def test_count_requests_not_web_metrics():
    assert count_requests("<html>not metrics</html>") is None


def test_parse_labels_escaped_quote():
    labels = parse_labels(r'route="/a\"b",status="200"')
    assert labels == {"route": r"/a\"b", "status": "200"}
