"""Exec probe of the worker: exit 0 when its health file is fresh, 1 otherwise.

Liveness:  python -m worker.health --max-age-s 15
Readiness: python -m worker.health --ready --max-age-s 15

The worker's event loop rewrites the liveness file every HEALTH_INTERVAL_S, so a
stale file means the loop is stuck or the process is gone. The readiness file is
rewritten only while Redis replies to PING and the worker takes jobs, and is deleted
when either stops. This module imports only the standard library, because the
kubelet starts a new Python process for every probe.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional

DEFAULT_HEALTH_FILE = "/tmp/worker-alive"
DEFAULT_READY_FILE = "/tmp/worker-ready"


# Why each probe's file may be missing.
MISSING_REASON = {
    "liveness": "the worker has not started its event loop yet, or it exited",
    "readiness": "the worker is starting, shutting down, or cannot reach Redis",
}


def check_file(path: str, max_age_s: float, probe: str) -> tuple[bool, str]:
    """Return whether ``path`` was modified within ``max_age_s``, and a message.

    ``probe`` is "liveness" or "readiness" and only changes the message.
    """
    try:
        age_s = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        return False, f"{probe} file {path} not found: {MISSING_REASON[probe]}"
    if age_s > max_age_s:
        return False, (
            f"{probe} file {path} was last written {age_s:.1f} s ago, more than "
            f"--max-age-s {max_age_s:g}: the worker's event loop is blocked or the "
            "process stopped"
        )
    return True, f"{probe} file {path} was written {age_s:.1f} s ago"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m worker.health", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--ready",
        action="store_true",
        help="check the readiness file (READY_FILE) instead of the liveness file "
        "(HEALTH_FILE)",
    )
    parser.add_argument(
        "--max-age-s",
        type=float,
        default=15.0,
        help="maximum age of the file in seconds (default: 15)",
    )
    parser.add_argument(
        "--file", help="path of the file to check (default: from the environment)"
    )
    args = parser.parse_args(argv)
    if args.ready:
        probe = "readiness"
        path = args.file or os.environ.get("READY_FILE") or DEFAULT_READY_FILE
    else:
        probe = "liveness"
        path = args.file or os.environ.get("HEALTH_FILE") or DEFAULT_HEALTH_FILE
    ok, message = check_file(path, args.max_age_s, probe)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
