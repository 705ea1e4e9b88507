"""Fixtures for the IPC demo tests: a real redis-server per test and app processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ipc_stack import APP_ENV_NAMES, Stack

from tests.support.redis_server import RedisServer, require_redis_server


@pytest.fixture(autouse=True)
def clean_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep settings variables of the outer shell out of every test."""
    for name in APP_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server for one test, which the test may stop and restart."""
    require_redis_server()
    with RedisServer() as server:
        yield server


@pytest.fixture
def stack(redis_server: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    """Start API and worker processes on demand; stop them after the test."""
    stack = Stack(redis_server, tmp_path)
    yield stack
    stack.close()
