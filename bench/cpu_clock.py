"""CPU time of a process, of its main thread and of the whole machine."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional


def parse_proc_stat_cpu_s(stat: str, ticks_per_s: int) -> float:
    """Return utime + stime, in seconds, from the text of /proc/<pid>/stat.

    The command name (field 2) may contain spaces and parentheses, so fields are
    counted from the last ')'. utime and stime are fields 14 and 15.
    """
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state), so field N is fields[N - 3].
    return (int(fields[11]) + int(fields[12])) / ticks_per_s


def parse_ps_time_s(text: str) -> float:
    """Parse the TIME column of `ps -o time=` ([[dd-]hh:]mm:ss[.cc]) to seconds."""
    value = text.strip()
    days = 0
    if "-" in value:
        day_text, value = value.split("-", 1)
        days = int(day_text)
    seconds = 0.0
    for part in value.split(":"):
        seconds = seconds * 60 + float(part)
    return days * 86400 + seconds


def process_cpu_s(pid: int) -> float:
    """Return the user + system CPU time that process ``pid`` has used so far.

    Linux reads /proc (10 ms steps at the usual 100 ticks/s); elsewhere `ps`
    reports it in 10 ms steps as well.
    """
    stat_path = Path(f"/proc/{pid}/stat")
    if stat_path.exists():
        return parse_proc_stat_cpu_s(stat_path.read_text(), os.sysconf("SC_CLK_TCK"))
    output = subprocess.run(
        ["ps", "-o", "time=", "-p", str(pid)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_ps_time_s(output)


def main_thread_cpu_s(pid: int) -> Optional[float]:
    """Return the CPU time of the main thread of ``pid`` (where uvicorn runs its
    event loop), or None where /proc does not exist.

    schedstat's first field is the thread's time on a CPU in nanoseconds, finer
    than the 10 ms steps of /proc/PID/task/TID/stat, which is the fallback.
    """
    task = Path(f"/proc/{pid}/task/{pid}")
    try:
        return int((task / "schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        stat = (task / "stat").read_text()
    except OSError:
        return None
    return parse_proc_stat_cpu_s(stat, os.sysconf("SC_CLK_TCK"))


def parse_proc_stat_busy_s(stat: str, ticks_per_s: int) -> float:
    """Return the CPU seconds that all cores spent on anything but idle and iowait,
    from the first line of /proc/stat."""
    fields = [int(value) for value in stat.splitlines()[0].split()[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice]: guest time
    # is already inside user and nice.
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / ticks_per_s


def machine_busy_s() -> Optional[float]:
    """Return the busy CPU seconds of the whole machine so far, or None where
    /proc/stat does not exist."""
    try:
        stat = Path("/proc/stat").read_text()
    except OSError:
        return None
    return parse_proc_stat_busy_s(stat, os.sysconf("SC_CLK_TCK"))
