"""Wait on running containers: HTTP endpoints, exec probes and log lines."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.docker import Container

POLL_INTERVAL_S = 0.2
# The container settings of the manifests' restricted securityContext: a read-only
# root filesystem with an emptyDir on /tmp, no capabilities, no privilege escalation.
HARDENED_OPTIONS = [
    "--read-only", "--tmpfs", "/tmp",
    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
]  # fmt: skip


def wait_for_http_ok(container: Container, url: str, timeout_s: float = 60) -> None:
    """Poll ``url`` until it returns 200; fail with the logs if the container exits."""
    deadline = time.monotonic() + timeout_s
    last_error = "no request sent"
    while time.monotonic() < deadline:
        if not container.state()["Running"]:
            pytest.fail(
                f"container {container.name} ({container.image}) exited with code "
                f"{container.state()['ExitCode']} before {url} answered; logs:\n"
                f"{container.logs()[-3000:]}"
            )
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return
            last_error = f"status {response.status_code}"
        except httpx.HTTPError as error:
            last_error = repr(error)
        time.sleep(POLL_INTERVAL_S)
    pytest.fail(
        f"{url} of container {container.name} did not return 200 within "
        f"{timeout_s} s (last: {last_error}); logs:\n{container.logs()[-3000:]}"
    )


def wait_for_log_text(container: Container, text: str, timeout_s: float = 60) -> str:
    """Poll the container's logs until they contain ``text``; return the logs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        logs = container.logs()
        if text in logs:
            return logs
        if not container.state()["Running"]:
            break
        time.sleep(POLL_INTERVAL_S)
    pytest.fail(
        f"the logs of container {container.name} ({container.image}) do not show "
        f"{text!r}; logs:\n{container.logs()[-3000:]}"
    )


def wait_for_exec_ok(container: Container, command: list[str], timeout_s: float = 60):
    """Run ``command`` in the container (as an exec probe does) until it exits 0."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if container.exec_status(*command) == 0:
            return
        if not container.state()["Running"]:
            break
        time.sleep(POLL_INTERVAL_S)
    pytest.fail(
        f"{' '.join(command)} did not exit 0 in container {container.name} "
        f"({container.image}) within {timeout_s} s; logs:\n{container.logs()[-3000:]}"
    )
