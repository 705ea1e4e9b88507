"""Prometheus metrics of the web app, kept in a registry of its own per app."""

from __future__ import annotations

from typing import Dict, Tuple

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)

from web.lifecycle import Lifecycle
from web.settings import Settings

# Request latency buckets in seconds: GET / takes well under a millisecond, while
# GET /cpu takes up to CPU_MAX_MS of CPU time plus queueing.
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

KNOWN_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
)

# The route label of a request that matched no route, such as a 404.
UNMATCHED_ROUTE = "unmatched"

# Without this, every counter and histogram also exposes a *_created series with its
# creation time, which doubles the output and which Prometheus does not need.
disable_created_metrics()


class WebMetrics:
    """Request, CPU burn and readiness metrics, plus the process collectors."""

    def __init__(self, settings: Settings, lifecycle: Lifecycle) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

        self.requests = Counter(
            "web_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "web_http_request_duration_seconds",
            "Time from the request reaching the app to the end of its response.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.cpu_burn = Counter(
            "web_cpu_burn_seconds",
            "CPU time burned by GET /cpu, measured as thread CPU time.",
            registry=self.registry,
        )
        ready = Gauge(
            "web_ready",
            "1 while GET /readyz returns 200, else 0.",
            registry=self.registry,
        )
        ready.set_function(lambda: 1.0 if lifecycle.is_ready else 0.0)
        Info("web_app", "Identity of this server.", registry=self.registry).info(
            {"version": settings.APP_VERSION, "pod": settings.POD_NAME}
        )

        # Labelled children cached by (method, route, status): labels() costs a lock
        # and a dict lookup inside prometheus_client on every call.
        self._children: Dict[Tuple[str, str, int], Tuple[Counter, Histogram]] = {}

    def observe_request(
        self, method: str, route: str, status: int, duration_s: float
    ) -> None:
        if method not in KNOWN_METHODS:
            method = "OTHER"
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(method, route, str(status)),
                self.request_duration.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(duration_s)
