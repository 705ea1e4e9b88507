"""Child processes of the benchmark: start, wait for and always stop.

Every process runs in a session of its own, so a Ctrl-C in the terminal reaches
only the benchmark, whose cleanup then stops each child by its pid.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, TypeVar

from bench.cpu_clock import process_cpu_s
from bench.layout import HOST, child_env

logger = logging.getLogger(__name__)

T = TypeVar("T")
STOP_TIMEOUT_S = 10.0


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], Optional[T]],
    description: str,
    timeout_s: float,
    interval_s: float = 0.02,
) -> T:
    """Poll ``condition`` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"timed out after {timeout_s:g} s waiting for {description}"
            )
        time.sleep(interval_s)


class ManagedProcess:
    """A child process with its output in a log file under a temporary folder."""

    def __init__(
        self, name: str, argv: Sequence[str], env: Dict[str, str], log_dir: Path
    ):
        self.name = name
        self.argv = list(argv)
        self.log_path = log_dir / f"{name}.log"
        self._log_file = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.argv,
            env=child_env(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def check_running(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"{self.name} (pid {self.pid}) exited with code "
                f"{self.proc.returncode}; last lines of its log {self.log_path}:\n"
                f"{self.log_tail()}"
            )

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-size:]

    def cpu_s(self) -> float:
        return process_cpu_s(self.pid)

    def stop(self) -> None:
        """Send SIGTERM, and SIGKILL if the process still runs STOP_TIMEOUT_S later."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "%s (pid %d) still runs %g s after SIGTERM; killing it. Its log "
                    "ends with:\n%s",
                    self.name,
                    self.pid,
                    STOP_TIMEOUT_S,
                    self.log_tail(1500),
                )
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


class ProcessGroup:
    """Every process the benchmark started, stopped in reverse order on exit."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-")
        self.work_dir = Path(self._tmp.name)
        self.processes: List[ManagedProcess] = []

    def start(
        self, name: str, argv: Sequence[str], env: Dict[str, str]
    ) -> ManagedProcess:
        process = ManagedProcess(name, argv, env, self.work_dir)
        self.processes.append(process)
        logger.debug("started %s (pid %d): %s", name, process.pid, " ".join(argv))
        return process

    def start_python(
        self, name: str, args: Sequence[str], env: Dict[str, str]
    ) -> ManagedProcess:
        return self.start(name, [sys.executable, *args], env)

    def stop(self, process: ManagedProcess) -> None:
        process.stop()
        if process in self.processes:
            self.processes.remove(process)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        self._tmp.cleanup()

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
