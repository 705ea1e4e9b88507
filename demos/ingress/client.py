"""Requests to the ingress controller through a local port, and their responses."""

from __future__ import annotations

import errno
import http.client
import socket
from typing import Any, Dict, Iterable, List, NamedTuple, Optional

from demos.ingress.routes import RouteCase

LOOPBACK = "127.0.0.1"


class Response(NamedTuple):
    status: int  # 0 when no HTTP response arrived
    pod: str  # the X-Pod response header, "" when absent
    error: str = ""

    @property
    def status_text(self) -> str:
        return str(self.status) if self.status else "error"


def choose_local_port(preferred: int) -> int:
    """Return ``preferred`` if it is free on the loopback address, else a free port."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((LOOPBACK, port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                continue
            return sock.getsockname()[1]
    raise OSError(f"no free TCP port on {LOOPBACK}")


def port_accepts(port: int, timeout_s: float = 1.0) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def send(port: int, host: str, path: str, timeout_s: float = 5.0) -> Response:
    """GET ``path`` from the controller on the loopback ``port`` with Host ``host``.

    Each request opens its own connection, so no keep-alive state carries over
    from one row of the routing table to the next.
    """
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout_s)
    try:
        connection.request(
            "GET",
            path,
            headers={"Host": host, "Accept": "application/json", "Connection": "close"},
        )
        http_response = connection.getresponse()
        http_response.read()
        return Response(http_response.status, http_response.getheader("X-Pod") or "")
    except (OSError, http.client.HTTPException) as exc:
        return Response(0, "", f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def service_selects(service: Dict[str, Any], labels: Dict[str, str]) -> bool:
    selector = service.get("spec", {}).get("selector") or {}
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def backend_of(
    pod_name: str, pods: Iterable[Dict[str, Any]], services: Iterable[Dict[str, Any]]
) -> Optional[str]:
    """Return the Service whose selector matches the pod named ``pod_name``.

    Returns None when the pod is unknown or no Service (or more than one)
    selects it, so that an ambiguous response never counts as a match.
    """
    candidates: List[Dict[str, Any]] = list(services)
    for pod in pods:
        if pod["metadata"]["name"] != pod_name:
            continue
        labels = pod["metadata"].get("labels") or {}
        names = [
            s["metadata"]["name"] for s in candidates if service_selects(s, labels)
        ]
        return names[0] if len(names) == 1 else None
    return None


def describe_response(
    case: RouteCase, response: Response, backend: Optional[str]
) -> Dict[str, Any]:
    """Describe one request of the routing table for the report and the e2e tests."""
    if response.error:
        problem = response.error
    elif not response.pod:
        problem = f"HTTP {response.status} without X-Pod, so nginx itself responded"
    elif backend is None:
        problem = f"pod {response.pod} is selected by no single Service"
    else:
        problem = f"{backend} responded, {case.expected} expected"
    return {
        "target": case.target,
        "host": case.host,
        "path": case.path,
        "status": response.status,
        "pod": response.pod,
        "backend": backend,
        "expected": case.expected,
        "matched": backend == case.expected,
        "problem": "" if backend == case.expected else problem,
    }
