"""Run commands for a demo, printing each one first, or only print them (plan mode)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import List, Optional, Sequence

from demos.console import Console, format_command


class CommandError(RuntimeError):
    """A command exited non-zero; the message carries its output."""

    def __init__(self, argv: Sequence[str], returncode: int, output: str) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.output = output
        tail = output.strip()[-2000:]
        super().__init__(
            f"command failed with exit code {returncode}: {format_command(argv)}"
            + (f"\n{tail}" if tail else "")
        )


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Runner:
    """Execute commands; in plan mode print them and return ``plan_output``.

    Commands shown to the learner (``show=True``) are printed before they
    run, with their output passed through. Queries the driver makes for its
    own bookkeeping run quietly. Background processes (load, port-forwards)
    are tracked so that ``stop_background`` leaves nothing running.
    """

    def __init__(self, console: Console, plan: bool = False) -> None:
        self.console = console
        self.plan = plan
        self.background: List[subprocess.Popen] = []

    def run(
        self,
        argv: Sequence[str],
        show: bool = True,
        check: bool = True,
        plan_output: str = "",
        timeout_s: Optional[float] = None,
        echo_output: Optional[bool] = None,
    ) -> Result:
        if show:
            self.console.command(argv)
        if self.plan:
            return Result(0, plan_output, "")
        try:
            proc = subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout_s,
            )
        except subprocess.TimeoutExpired as exc:
            raise CommandError(argv, -1, f"timed out after {timeout_s:.0f} s") from exc
        except FileNotFoundError as exc:
            raise CommandError(argv, 127, f"{argv[0]} not found on PATH") from exc
        if echo_output if echo_output is not None else show:
            text = (proc.stdout + proc.stderr).rstrip()
            if text:
                self.console.write(text)
        if check and proc.returncode != 0:
            raise CommandError(argv, proc.returncode, proc.stdout + proc.stderr)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def start(
        self, argv: Sequence[str], show: bool = True, log_path: Optional[str] = None
    ) -> Optional[subprocess.Popen]:
        """Start ``argv`` in the background; it is stopped by ``stop_background``."""
        if show:
            self.console.command(argv, background=True)
        if self.plan:
            return None
        sink = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if log_path:
            sink.close()
        self.background.append(proc)
        return proc

    def stop_background(self, grace_s: float = 5.0) -> None:
        while self.background:
            proc = self.background.pop()
            if proc.poll() is not None:
                continue
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
