"""A real ``redis-server`` on a free loopback port, for tests and benchmarks.

The server keeps its data in a temporary directory with the append-only file
(AOF) turned on, so :meth:`RedisServer.restart` brings back every key written
before the stop, as a Redis Pod with a persistent volume does. Use it as a
context manager or call :meth:`start` and :meth:`close` yourself::

    with RedisServer() as redis:
        os.environ["REDIS_URL"] = redis.url
        redis.stop()
        redis.start()  # same port, same data

A test that wants the "redis-server is missing" skip (or CI failure) calls
:func:`require_redis_server` first.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

HOST = "127.0.0.1"


def require_redis_server() -> str:
    """Return the path of ``redis-server``, or skip (fail in CI) naming it."""
    # Imported here, so that scripts outside pytest can use RedisServer.
    from tests.support.tools import require_tool

    return require_tool(
        "redis-server", "install it with `apt-get install redis-server` (Debian)"
    )


def free_port(host: str = HOST) -> int:
    """Return a TCP port that nothing listens on right now.

    Another process may take the port before the caller binds it. The window is
    short, and the server start below fails loudly when it happens.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def ping(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """Send PING over a raw socket and return True when the reply is PONG.

    A server that is still loading its AOF replies ``-LOADING``, which counts as
    not ready.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """Run ``redis-server`` in a temporary directory on a free loopback port."""

    def __init__(
        self,
        *,
        port: Optional[int] = None,
        appendfsync: str = "always",
        binary: Optional[str] = None,
        start_timeout_s: float = 10.0,
    ) -> None:
        # appendfsync "always" makes a write durable before Redis replies, so a
        # test can kill the server right after a write and still find the key.
        self.host = HOST
        self.port = port or free_port()
        self.appendfsync = appendfsync
        self.binary = binary or shutil.which("redis-server") or "redis-server"
        self.start_timeout_s = start_timeout_s
        self._tmp = tempfile.TemporaryDirectory(prefix="redis-test-")
        self.data_dir = Path(self._tmp.name)
        self.log_path = self.data_dir / "redis.log"
        self.process: Optional[subprocess.Popen[bytes]] = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> RedisServer:
        """Start the server (again) on the same port and data directory, then wait
        until it replies to PING."""
        if self.is_running():
            return self
        command = [
            self.binary,
            "--bind", self.host,
            "--port", str(self.port),
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            "--save", "",
            "--logfile", str(self.log_path),
            "--daemonize", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout_s
        while not ping(self.host, self.port):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"redis-server on {self.address} exited with code "
                    f"{self.process.returncode}; log:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop(kill=True)
                raise TimeoutError(
                    f"redis-server on {self.address} did not reply to PING within "
                    f"{self.start_timeout_s} s; log:\n{self.log_tail()}"
                )
            time.sleep(0.02)
        return self

    def stop(self, *, kill: bool = False, timeout_s: float = 10.0) -> None:
        """Stop the server and wait for it to exit, keeping the data directory.

        SIGTERM is a clean shutdown that flushes the AOF. ``kill=True`` sends
        SIGKILL, as a crashed or evicted Pod would see.
        """
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, *, kill: bool = False) -> RedisServer:
        self.stop(kill=kill)
        return self.start()

    def close(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop(kill=True)
        self._tmp.cleanup()

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
