"""Session fixtures of the container tier: the engine, the base image, one build per
image, containers removed after each test, and a summary of the images built.

The summary goes to the terminal and to ``.cache/containers/images.json``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from demos.images import IMAGES
from tests.support import docker
from tests.support.base_image import BaseImage, provide_python_base
from tests.support.redis_server import RedisServer, require_redis_server

ROOT = Path(__file__).resolve().parents[2]
REPORT_PATH = ROOT / ".cache" / "containers" / "images.json"


@dataclass
class TierReport:
    base: BaseImage | None = None
    images: dict[str, docker.BuiltImage] = field(default_factory=dict)
    # (image tag, exit code, seconds from `docker stop` to exit)
    stops: list[tuple[str, int, float]] = field(default_factory=list)


REPORT = TierReport()


@pytest.fixture(scope="session")
def docker_engine() -> None:
    docker.require_docker()
    leftovers = docker.run_docker(
        "ps", "--all", "--quiet", "--filter", f"label={docker.CONTAINER_LABEL}"
    ).stdout.split()
    if leftovers:
        docker.run_docker("rm", "--force", *leftovers)


@pytest.fixture(scope="session")
def python_base(docker_engine: None) -> BaseImage:
    REPORT.base = provide_python_base()
    return REPORT.base


def build_app_image(name: str, base: BaseImage) -> str:
    """Build apps/NAME with its fixed tag on ``base``; return the tag."""
    image = IMAGES[name]
    context = ROOT / image.context
    if not (context / "Dockerfile").is_file():
        pytest.fail(f"{image.context}/Dockerfile not found: cannot build {image.tag}")
    built = docker.build_image(context, image.tag, {"PYTHON_IMAGE": base.tag})
    REPORT.images[image.tag] = built
    return image.tag


@pytest.fixture(scope="session")
def web_image(python_base: BaseImage) -> str:
    return build_app_image("web", python_base)


@pytest.fixture(scope="session")
def api_image(python_base: BaseImage) -> str:
    return build_app_image("api", python_base)


@pytest.fixture(scope="session")
def worker_image(python_base: BaseImage) -> str:
    return build_app_image("worker", python_base)


@pytest.fixture(scope="session")
def loadgen_image(python_base: BaseImage) -> str:
    return build_app_image("loadgen", python_base)


@pytest.fixture
def start_container(docker_engine: None) -> Iterator:
    """Start containers with :class:`docker.Container` arguments; remove them after."""
    started: list[docker.Container] = []

    def start(image: str, **kwargs) -> docker.Container:
        container = docker.Container(image, **kwargs)
        started.append(container)
        return container.start()

    yield start
    for container in started:
        container.remove()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    require_redis_server()
    with RedisServer() as server:
        yield server


def record_stop(tag: str, exit_code: int, stop_s: float) -> None:
    REPORT.stops.append((tag, exit_code, stop_s))


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT.base is None and not REPORT.images:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", "container images")
    if REPORT.base is not None:
        write(f"base image: {REPORT.base.description} as {REPORT.base.tag}")
    for built in REPORT.images.values():
        write(
            f"image {built.tag}: {built.size_bytes / 1e6:.1f} MB, "
            f"built in {built.build_s:.1f} s"
        )
    for tag, exit_code, stop_s in REPORT.stops:
        write(f"docker stop {tag}: exit code {exit_code} after {stop_s:.1f} s")
    write(f"written to {REPORT_PATH.relative_to(ROOT)}")


def pytest_sessionfinish(session) -> None:
    if not REPORT.images:
        return
    report = {
        "machine": platform.machine(),
        "base_image": None if REPORT.base is None else REPORT.base.description,
        "base_image_tag": None if REPORT.base is None else REPORT.base.tag,
        "images": [
            {
                "tag": built.tag,
                "size_mb": round(built.size_bytes / 1e6, 1),
                "build_s": round(built.build_s, 1),
            }
            for built in REPORT.images.values()
        ],
        "stops": [
            {"tag": tag, "exit_code": code, "stop_s": round(stop_s, 2)}
            for tag, code, stop_s in REPORT.stops
        ],
    }
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(json.dumps(report, indent=2) + "\n")
