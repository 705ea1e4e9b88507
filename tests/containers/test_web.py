"""The web image runs hardened as the manifests run it, and serves its probes."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import httpx
import pytest

from tests.containers.running import HARDENED_OPTIONS, wait_for_http_ok
from tests.support.docker import Container, free_port, inspect_image

# Cold image builds run inside the first test that needs each image.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]

PROC_STATUS = "print(open('/proc/1/status').read())"
WRITE_PROBE = """
import sys
try:
    open(sys.argv[1], "w").close()
    print(0)
except OSError as error:
    print(error.errno)
"""


def image_uid(tag: str) -> int:
    user = inspect_image(tag)["Config"]["User"]
    uid = user.split(":")[0]
    assert uid.isdigit(), f"{tag} declares USER {user!r}; expected a numeric UID"
    return int(uid)


def proc_status(container: Container) -> dict[str, list[str]]:
    status = container.exec("python", "-c", PROC_STATUS)
    fields = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return fields


@pytest.fixture(scope="module")
def web(web_image: str) -> Iterator[tuple[Container, str]]:
    port = free_port()
    env = {"HOST": "127.0.0.1", "PORT": str(port), "POD_NAME": "web-hardened-test"}
    container = Container(web_image, env=env, options=HARDENED_OPTIONS)
    try:
        container.start()
        base_url = f"http://127.0.0.1:{port}"
        wait_for_http_ok(container, f"{base_url}/readyz")
        yield container, base_url
    finally:
        container.remove()


def test_web_image_user_numeric_non_root(web_image: str) -> None:
    assert image_uid(web_image) >= 10000


def test_web_process_runs_as_image_user(web: tuple[Container, str], web_image: str):
    container, _ = web
    uids = proc_status(container)["Uid"]
    assert uids == [str(image_uid(web_image))] * 4


def test_web_process_has_no_capabilities(web: tuple[Container, str]) -> None:
    status = proc_status(web[0])
    assert int(status["CapEff"][0], 16) == 0
    assert int(status["CapPrm"][0], 16) == 0
    assert status["NoNewPrivs"] == ["1"]


def test_web_root_filesystem_read_only(web: tuple[Container, str]) -> None:
    container, _ = web
    root_write = container.exec("python", "-c", WRITE_PROBE, "/probe-file")
    tmp_write = container.exec("python", "-c", WRITE_PROBE, "/tmp/probe-file")
    assert int(root_write) == errno.EROFS
    assert int(tmp_write) == 0


@pytest.mark.parametrize("path", ["/livez", "/readyz", "/"])
def test_web_serves_path(web: tuple[Container, str], path: str) -> None:
    _, base_url = web
    response = httpx.get(base_url + path, timeout=5)
    assert response.status_code == 200, response.text
