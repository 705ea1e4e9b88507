"""Command line for the demo drivers; the Makefile calls it."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import sys
from typing import List, Optional

import demos
from demos.console import Console
from demos.framework import (
    FAILURES,
    Context,
    Demo,
    PrerequisiteError,
    clean_demo,
    run_demo,
)
from demos.images import IMAGES
from demos.prereq import find_problems, format_problems
from demos.settings import Settings


def load_demo(name: str) -> Demo:
    """Import ``demos.<name>`` (dashes become underscores) and return its DEMO."""
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(f"demos.{module_name}")
        demo = module.DEMO
    except (ImportError, AttributeError):
        raise SystemExit(
            f"unknown demo {name!r}: choose one of {', '.join(demo_names())}"
        ) from None
    return demo


def demo_names() -> List[str]:
    names = []
    for info in pkgutil.iter_modules(demos.__path__):
        if info.name.startswith("_"):
            continue  # __main__ would run the command line again
        module = importlib.import_module(f"demos.{info.name}")
        if isinstance(getattr(module, "DEMO", None), Demo):
            names.append(info.name.replace("_", "-"))
    return sorted(names)


def prefetch(ctx: Context) -> None:
    """Do every download the demos need now, for example on a workshop's network."""
    loaded = [load_demo(name) for name in demo_names()]
    ctx.minikube.up()
    for addon in sorted({addon for demo in loaded for addon in demo.addons}):
        ctx.minikube.enable_addon(addon)
    for image in sorted({image for demo in loaded for image in demo.pulled_images}):
        ctx.runner.run(ctx.minikube.argv(["image", "pull", image]), timeout_s=900)
    ctx.minikube.build(sorted({name for demo in loaded for name in demo.images}))
    if not ctx.plan:
        ctx.console.ok("Everything the demos need is in the minikube node.")


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run a demo").add_argument("demo")
    sub.add_parser("clean", help="delete what a demo created").add_argument("demo")
    sub.add_parser("check", help="check the prerequisites")
    sub.add_parser("up", help="start the demos' minikube profile")
    sub.add_parser("down", help="delete the demos' minikube profile")
    build = sub.add_parser("build", help="build images inside the minikube node")
    build.add_argument("images", nargs="*", help=f"any of {', '.join(sorted(IMAGES))}")
    sub.add_parser("list", help="list the demos")
    sub.add_parser("prefetch", help="build and pull everything the demos need")
    sub.add_parser("status", help="show the demos' minikube profile")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        print(
            "\nInterrupted: the load and port-forwards this demo started are stopped."
        )
        return 130
    except PrerequisiteError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    except FAILURES as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "list":
        print("\n".join(demo_names()))
        return 0
    if args.command == "check":
        problems = find_problems(settings)
        if problems:
            print(format_problems(problems), file=sys.stderr)
            return 2
        print("Prerequisites OK: docker, minikube and kubectl are ready.")
        return 0
    if args.command == "run":
        report = run_demo(load_demo(args.demo), settings)
        return 0 if settings.plan or report.passed else 1
    if args.command == "clean":
        clean_demo(load_demo(args.demo), settings)
        return 0
    if args.command == "build":
        unknown = sorted(set(args.images) - set(IMAGES))
        if unknown:
            print(
                f"error: unknown image {', '.join(unknown)}: choose from "
                f"{', '.join(sorted(IMAGES))}",
                file=sys.stderr,
            )
            return 2
    if args.command in ("prefetch", "up", "build") and not settings.plan:
        problems = find_problems(settings)
        if problems:
            raise PrerequisiteError(format_problems(problems))
    ctx = Context(settings, Console())
    if args.command in ("status", "down") and not shutil.which("minikube"):
        raise PrerequisiteError(format_problems(find_problems(settings)))
    if args.command == "status":
        return ctx.runner.run(ctx.minikube.argv(["status"]), check=False).returncode
    if args.command == "prefetch":
        prefetch(ctx)
    elif args.command == "up":
        ctx.minikube.up()
    elif args.command == "down":
        ctx.minikube.down()
    elif args.command == "build":
        ctx.minikube.up()
        ctx.minikube.build(args.images or sorted(IMAGES))
    return 0
