"""Section 1: requests/s and latency of the web app beside two baselines under wrk."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from bench import wrk
from bench.http_client import HttpClient, wait_http_ok
from bench.layout import HOST
from bench.processes import ManagedProcess, ProcessGroup, free_port
from bench.stats import median

logger = logging.getLogger(__name__)

# Identity of the pod that the three servers describe in GET /.
SERVER_ENV = {
    "POD_NAME": "bench-web-0",
    "POD_NAMESPACE": "bench",
    "POD_IP": "127.0.0.1",
    "NODE_NAME": "bench-node",
    "APP_VERSION": "0.1.0",
    "COLOR": "#326ce5",
    "MESSAGE": "Hello from Kubernetes!",
}
FACTORIES = {
    "web": "bench.targets:create_web_app",
    "fastapi": "bench.targets:create_fastapi_app",
    "asgi": "bench.targets:create_asgi_app",
}
# The same uvicorn options for every server, one process each.
UVICORN_OPTIONS = [
    "--http", "httptools",
    "--loop", "uvloop",
    "--workers", "1",
    "--no-access-log",
    "--log-level", "warning",
    "--lifespan", "on",
]  # fmt: skip


@dataclass
class LoadTarget:
    key: str
    label: str
    server: str
    path: str


TARGETS = [
    LoadTarget("web_root", "web app `GET /`", "web", "/"),
    LoadTarget("web_livez", "web app `GET /livez`", "web", "/livez"),
    LoadTarget("web_cpu", "web app `GET /cpu?ms=10`", "web", "/cpu?ms=10"),
    LoadTarget("fastapi_root", "bare FastAPI route `GET /`", "fastapi", "/"),
    LoadTarget("asgi_root", "raw ASGI callable `GET /`", "asgi", "/"),
]


@dataclass
class LoadResult:
    key: str
    label: str
    runs: List[wrk.WrkResult]

    @property
    def requests_per_s(self) -> float:
        return median([run.requests_per_s for run in self.runs])

    @property
    def p50_ms(self) -> float:
        return median([run.p50_ms for run in self.runs])

    @property
    def p99_ms(self) -> float:
        return median([run.p99_ms for run in self.runs])


@dataclass
class WebSection:
    duration_s: int
    warmup_s: int
    repeats: int
    threads: int = wrk.THREADS
    connections: int = wrk.CONNECTIONS
    results: Dict[str, LoadResult] = field(default_factory=dict)


def uvicorn_argv(server: str, port: int) -> List[str]:
    return [
        "-m", "uvicorn", "--factory", FACTORIES[server],
        "--host", HOST, "--port", str(port), *UVICORN_OPTIONS,
    ]  # fmt: skip


def start_servers(
    group: ProcessGroup,
) -> Tuple[Dict[str, int], Dict[str, ManagedProcess]]:
    """Start the three servers, wait until each serves GET /; return their ports
    and processes by server name."""
    ports: Dict[str, int] = {}
    processes: Dict[str, ManagedProcess] = {}
    for server in FACTORIES:
        port = free_port()
        processes[server] = group.start_python(
            f"uvicorn-{server}", uvicorn_argv(server, port), SERVER_ENV
        )
        ports[server] = port
    for server, process in processes.items():
        wait_http_ok(process, ports[server], "/")
    check_same_body(ports)
    return ports, processes


def check_same_body(ports: Dict[str, int]) -> None:
    """Fail unless the three GET / bodies match, the uptime aside."""
    bodies = {}
    for server, port in ports.items():
        with HttpClient(port) as client:
            body = client.get_json("/")
        body.pop("uptime_s", None)
        bodies[server] = body
    if not bodies["web"] == bodies["fastapi"] == bodies["asgi"]:
        raise RuntimeError(
            f"the GET / bodies of the web app and the baselines differ: {bodies}; "
            "bench/targets.py must return the same fields as apps/web/web/page.py"
        )


def run_web_section(
    ports: Dict[str, int], duration_s: int, warmup_s: int, repeats: int
) -> WebSection:
    """Load each target in turn: a warm-up each, then ``repeats`` rounds that visit
    every target once, so that slow drift of the machine spreads over all of them."""
    section = WebSection(duration_s=duration_s, warmup_s=warmup_s, repeats=repeats)
    urls = {
        target.key: f"http://{HOST}:{ports[target.server]}{target.path}"
        for target in TARGETS
    }
    for target in TARGETS:
        logger.info("web: warming up %s for %g s", target.label, warmup_s)
        wrk.run_wrk(urls[target.key], warmup_s)
        section.results[target.key] = LoadResult(target.key, target.label, [])
    for round_number in range(1, repeats + 1):
        for target in TARGETS:
            result = wrk.run_wrk(urls[target.key], duration_s)
            section.results[target.key].runs.append(result)
            logger.info(
                "web: round %d/%d %s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms",
                round_number,
                repeats,
                target.label,
                result.requests_per_s,
                result.p50_ms,
                result.p99_ms,
            )
    return section
