"""Plain HTTP/1.1 calls over one keep-alive connection, with the standard library,
so that the client adds as little as possible to what it measures."""

from __future__ import annotations

import http.client
import json
from typing import Any, Optional, Tuple

from bench.layout import HOST
from bench.processes import ManagedProcess, wait_until


class HttpClient:
    def __init__(self, port: int, timeout_s: float = 30.0) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)

    def request(
        self, method: str, path: str, body: Optional[Any] = None
    ) -> Tuple[int, bytes]:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def get_json(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(
                f"GET http://{HOST}:{self.port}{path} returned {status}: {body[:300]!r}"
            )
        return json.loads(body)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def answers_200(port: int, path: str) -> bool:
    try:
        with HttpClient(port, timeout_s=1.0) as client:
            return client.request("GET", path)[0] == 200
    except OSError:
        return False


def wait_http_ok(
    process: ManagedProcess, port: int, path: str, timeout_s: float = 30.0
) -> None:
    """Wait until GET ``path`` returns 200, failing early if the process exits."""

    def is_up() -> bool:
        process.check_running()
        return answers_200(port, path)

    wait_until(is_up, f"{process.name} to return 200 on GET {path}", timeout_s, 0.05)
