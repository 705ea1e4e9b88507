"""Paths of the repository and the environment that the benchmark's processes get."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, FrozenSet, Set

ROOT = Path(__file__).resolve().parents[1]
APP_DIRS = (ROOT / "apps" / "web", ROOT / "apps" / "api", ROOT / "apps" / "worker")
PAGE_PATH = ROOT / "docs" / "benchmarks.md"
# Raw results of the last run, for a closer look; .cache/ is not committed.
RESULTS_PATH = ROOT / ".cache" / "bench" / "results.json"
# Written by the container tier (`make test-containers`).
IMAGES_REPORT_PATH = ROOT / ".cache" / "containers" / "images.json"
HOST = "127.0.0.1"


def add_app_paths() -> None:
    """Make the app packages importable here, as pytest's pythonpath does."""
    for path in (ROOT, *APP_DIRS):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def app_setting_names() -> FrozenSet[str]:
    """Return the environment variables that the apps read as settings."""
    from api.settings import Settings as ApiSettings
    from web.settings import Settings as WebSettings
    from worker.settings import Settings as WorkerSettings

    names: Set[str] = set()
    for settings in (ApiSettings, WebSettings, WorkerSettings):
        names.update(settings.model_fields)
    return frozenset(names)


def child_env(extra: Dict[str, str]) -> Dict[str, str]:
    """Return the environment of a child process: ours without the apps' settings,
    the app packages on PYTHONPATH, and ``extra`` on top.

    Dropping the settings keeps a variable such as MAX_JOBS in the caller's shell
    from changing what the benchmark measures.
    """
    names = app_setting_names()
    env = {name: value for name, value in os.environ.items() if name not in names}
    env["PYTHONPATH"] = os.pathsep.join(str(path) for path in (ROOT, *APP_DIRS))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env
