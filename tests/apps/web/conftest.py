"""Fixtures for the web app: an in-process client and real `python -m web` processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import AsyncIterator, Callable, Dict, Iterator, List, Optional

import httpx
import pytest
from web.app import create_app
from web.lifecycle import Lifecycle
from web.settings import Settings

from tests.support.tools import require

WEB_DIR = Path(__file__).resolve().parents[3] / "apps" / "web"
SETTINGS_ENV_NAMES = tuple(Settings.model_fields)
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0
# Bound of every other wait for a condition that a test polls for.
CONDITION_TIMEOUT_S = 15.0
POD_NAME = "web-7d9c8b6f5-x2k4p"


@pytest.fixture(autouse=True)
def clean_settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep settings variables of the outer shell out of every test."""
    for name in SETTINGS_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def pod_name() -> str:
    return POD_NAME


@pytest.fixture
def settings() -> Settings:
    return Settings(
        POD_NAME=POD_NAME,
        POD_NAMESPACE="demo-hpa",
        # An address from the TEST-NET-1 documentation range: it is only displayed.
        POD_IP="192.0.2.10",
        NODE_NAME="demo-node-1",
        APP_VERSION="1.2.3",
        COLOR="#ff6600",
        MESSAGE="Hello <pods> & friends",
        CPU_MAX_MS=500,
    )


@pytest.fixture
def lifecycle() -> Lifecycle:
    return Lifecycle()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(
    settings: Settings, lifecycle: Lifecycle
) -> AsyncIterator[httpx.AsyncClient]:
    """Client of an in-process app whose lifespan startup has run, so it is ready."""
    app = create_app(settings, lifecycle)
    # ASGITransport sends no lifespan events, so the fixture runs the lifespan itself.
    fastapi_app = app.app
    async with fastapi_app.router.lifespan_context(fastapi_app):
        transport = httpx.ASGITransport(app=app)
        base_url = "http://testserver"
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def read_cpu_time_s(pid: int) -> float:
    """Return the user plus system CPU time of a process, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the command name, which is in parentheses and may contain spaces;
    # utime and stime are fields 14 and 15 of the whole line, in clock ticks.
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebProcess:
    """A `python -m web` subprocess on a loopback port, with its log in a file."""

    def __init__(self, env: Dict[str, str], log_path: Path) -> None:
        self.port = int(env["PORT"])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log_file = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web"],
            cwd=WEB_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def cpu_time_s(self) -> float:
        return read_cpu_time_s(self.pid)

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.base_url + path, timeout=30.0, **kwargs)

    def wait_until_live(self) -> bool:
        """Poll /livez until 200; return False if the process exited first."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(self.base_url + "/livez", timeout=1.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(
            f"web did not answer /livez within {STARTUP_TIMEOUT_S} s:\n{self.logs()}"
        )

    def readiness_status(self) -> int:
        """Return the status code of GET /readyz, or 0 if the connection fails."""
        try:
            return self.get("/readyz").status_code
        except httpx.TransportError:
            return 0

    def wait_until(self, condition: Callable[[], bool], description: str) -> None:
        deadline = time.monotonic() + CONDITION_TIMEOUT_S
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.01)
        timeout_s = CONDITION_TIMEOUT_S
        pytest.fail(
            f"timed out after {timeout_s} s waiting for {description}:\n{self.logs()}"
        )

    def start_slow_request(
        self, executor: ThreadPoolExecutor, ms: int
    ) -> Future[httpx.Response]:
        """Send GET /cpu?ms=... in a thread; return once the server burns CPU for it."""
        baseline_s = self.cpu_time_s()
        future = executor.submit(self.get, f"/cpu?ms={ms}")
        self.wait_until(
            lambda: self.cpu_time_s() - baseline_s >= 0.05,
            "the server to start burning CPU",
        )
        return future

    def wait_for_exit(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            pytest.fail(f"web did not exit within {timeout_s} s:\n{self.logs()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


def build_env(overrides: Dict[str, str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV_NAMES}
    python_path = [str(WEB_DIR)]
    if env.get("PYTHONPATH"):
        python_path.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(python_path)
    env.update(
        {
            "HOST": "127.0.0.1",
            "POD_NAME": POD_NAME,
            "POD_NAMESPACE": "demo-hpa",
            "APP_VERSION": "1.2.3",
            "COLOR": "#ff6600",
            "SHUTDOWN_DRAIN_S": "0",
        }
    )
    env.update(overrides)
    return env


@pytest.fixture
def start_web(tmp_path: Path) -> Iterator[Callable[..., WebProcess]]:
    """Start `python -m web` with extra env vars and wait until /livez returns 200."""
    require(
        Path("/proc/self/stat").exists(),
        "/proc not found: the server tests read process CPU time from Linux procfs",
    )
    started: List[WebProcess] = []

    def start(**overrides: str) -> WebProcess:
        last: Optional[WebProcess] = None
        # Another process may take the free port between the check and the bind.
        for attempt in range(3):
            env = build_env({"PORT": str(find_free_port()), **overrides})
            last = WebProcess(env, tmp_path / f"web-{len(started)}-{attempt}.log")
            started.append(last)
            if last.wait_until_live():
                return last
            if "address already in use" not in last.logs():
                break
        pytest.fail(f"web exited during startup:\n{last.logs() if last else ''}")

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def run_web_until_exit(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run `python -m web` with extra env vars for a process expected to exit."""

    def run(**overrides: str) -> subprocess.CompletedProcess:
        env = build_env({"PORT": str(find_free_port()), **overrides})
        return subprocess.run(
            [sys.executable, "-m", "web"],
            cwd=WEB_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STARTUP_TIMEOUT_S,
        )

    return run


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool
