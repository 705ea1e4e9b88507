"""Entry point of `python -m bench` (`make bench`): measure, then write the page."""

from __future__ import annotations

import argparse
import logging
import shutil
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from bench import wrk
from bench.layout import PAGE_PATH, RESULTS_PATH, ROOT, add_app_paths

logger = logging.getLogger("bench")

SECTIONS = ("web", "cpu", "queue")
MAKE_COMMAND = "make bench"
MODULE_COMMAND = ".venv/bin/python -m bench"
REDIS_HINT = (
    "redis-server not found on PATH; the job queue benchmark runs a real one. "
    "Install it: macOS `brew install redis`, Debian or Ubuntu "
    "`sudo apt-get install redis-server`."
)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the web app, the CPU burn and the job queue beside their "
        f"baselines and write {PAGE_PATH.relative_to(ROOT)}.",
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to measure (default: {','.join(SECTIONS)}); "
        "the cpu section needs web",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short runs that only check that the harness works; the figures are "
        "not worth keeping",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"page to write (default: {PAGE_PATH.relative_to(ROOT)} for a full run, "
        ".cache/bench/benchmarks-partial.md otherwise)",
    )
    args = parser.parse_args(argv)
    args.sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(
            f"unknown section(s) {', '.join(unknown)}: expected {', '.join(SECTIONS)}"
        )
    if "cpu" in args.sections and "web" not in args.sections:
        parser.error("--sections cpu needs web too: the cpu section uses its server")
    return args


def check_tools(sections: List[str]) -> List[str]:
    problems = []
    if "web" in sections and not wrk.wrk_available():
        problems.append(wrk.INSTALL_HINT)
    if "queue" in sections and shutil.which("redis-server") is None:
        problems.append(REDIS_HINT)
    return problems


def describe_command(argv: Optional[List[str]]) -> str:
    """Return the command line of this run, as the page shows it."""
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments:
        return MAKE_COMMAND
    return " ".join([MODULE_COMMAND, *arguments])


def raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = parse_args(argv)
    problems = check_tools(args.sections)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    add_app_paths()
    # SIGTERM takes the same way out as Ctrl-C, through every cleanup.
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)

    from bench.runner import run_benchmarks

    full = set(args.sections) == set(SECTIONS) and not args.quick
    output = args.output or (
        PAGE_PATH if full else ROOT / ".cache" / "bench" / "benchmarks-partial.md"
    )
    started = time.monotonic()
    try:
        page, report = run_benchmarks(
            args.sections,
            args.quick,
            describe_command(argv),
            datetime.now(timezone.utc),
        )
    except KeyboardInterrupt:
        print(
            "interrupted: every process the benchmark started is stopped",
            file=sys.stderr,
        )
        return 130
    from bench.report import write_json

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page)
    write_json(report, RESULTS_PATH)
    logger.info(
        "wrote %s and %s in %.0f s",
        output,
        RESULTS_PATH.relative_to(ROOT),
        time.monotonic() - started,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
