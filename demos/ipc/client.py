"""HTTP calls to the IPC demo's API, each printed first as the equivalent curl.

Only the standard library (urllib), so the driver runs on the Python 3.9 that
macOS ships. In plan mode nothing is sent: the curl line is printed and the
call returns the placeholder response it was given.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any, Dict, List, NamedTuple, Optional

from demos.console import Console
from demos.waiting import wait_for


class Response(NamedTuple):
    status: int
    # Header names in lower case.
    headers: Dict[str, str]
    body: Any

    @property
    def pod(self) -> str:
        """Return the X-Pod header: the API Pod that sent the response."""
        return self.headers.get("x-pod", "?")


class ApiError(RuntimeError):
    """The API could not be reached at all (no HTTP response)."""


def curl_argv(
    base_url: str, method: str, path: str, body: Any = None, headers: bool = False
) -> List[str]:
    """Return the curl command line that sends the same request."""
    argv = ["curl", "-s"]
    if headers:
        argv.append("-i")
    if method != "GET":
        argv += ["-X", method]
    argv.append(base_url + path)
    if body is not None:
        argv += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    return argv


class ApiClient:
    def __init__(
        self, console: Console, base_url: str, plan: bool = False, timeout_s: float = 30
    ) -> None:
        self.console = console
        self.base_url = base_url.rstrip("/")
        self.plan = plan
        self.timeout_s = timeout_s

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        show: bool = True,
        headers: bool = False,
        plan_status: int = 200,
        plan_body: Any = None,
    ) -> Response:
        """Send one request; print its curl equivalent first when ``show``."""
        if show:
            self.console.command(curl_argv(self.base_url, method, path, body, headers))
        if self.plan:
            body = {} if plan_body is None else plan_body
            return Response(plan_status, {"x-pod": "<api-pod>"}, body)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as reply:
                return _response(reply.status, dict(reply.headers), reply.read())
        except urllib.error.HTTPError as error:
            with error:
                return _response(error.code, dict(error.headers), error.read())
        except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise ApiError(
                f"{method} {self.base_url}{path} failed: {reason}. Is the "
                "port-forward to svc/api still running?"
            ) from error

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> Response:
        return self.call("POST", path, body, **kwargs)

    def echo(self, response: Response, headers: bool = False) -> None:
        """Print a response the way a learner's curl would show its essentials."""
        if self.plan:
            return
        if headers:
            self.console.write(f"HTTP {response.status}  X-Pod: {response.pod}")
        self.print_body(response.body)

    def print_body(self, body: Any) -> None:
        if self.plan:
            return
        if isinstance(body, (dict, list)):
            self.console.write(json.dumps(body, indent=2))
        elif body:
            self.console.write(str(body))

    def is_live(self) -> bool:
        try:
            return self.get("/livez", show=False).status == 200
        except ApiError:
            return False

    def wait_until_live(self, timeout_s: float, process: Optional[Any] = None) -> None:
        """Wait until GET /livez returns 200, failing early if ``process`` exits."""
        if self.plan:
            return

        def live() -> bool:
            if process is not None and process.poll() is not None:
                raise ApiError(
                    f"the port-forward exited with code {process.returncode} "
                    f"before {self.base_url} answered"
                )
            return self.is_live()

        wait_for(live, f"GET {self.base_url}/livez", timeout_s, interval_s=0.3)


def _response(status: int, headers: Dict[str, str], raw: bytes) -> Response:
    lowered = {name.lower(): value for name, value in headers.items()}
    text = raw.decode("utf-8", "replace")
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = text
    return Response(status, lowered, body)
