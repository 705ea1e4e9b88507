"""Command line of `python -m bench`: arguments, missing tools, the command shown."""

import shutil

import pytest

from bench import __main__ as cli
from bench import wrk


def test_parse_args_defaults_to_every_section() -> None:
    args = cli.parse_args([])

    assert args.sections == ["web", "cpu", "queue"]
    assert args.quick is False
    assert args.output is None


def test_parse_args_unknown_section_exits() -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--sections", "web,disk"])


def test_parse_args_cpu_without_web_exits() -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--sections", "cpu"])


def test_check_tools_missing_wrk_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wrk, "wrk_available", lambda: False)

    problems = cli.check_tools(["web"])

    assert len(problems) == 1
    assert "brew install wrk" in problems[0]
    assert "sudo apt-get install wrk" in problems[0]


def test_check_tools_missing_redis_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)

    problems = cli.check_tools(["queue"])

    assert len(problems) == 1
    assert "brew install redis" in problems[0]
    assert "sudo apt-get install redis-server" in problems[0]


def test_main_missing_tool_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wrk, "wrk_available", lambda: False)

    assert cli.main(["--sections", "web"]) == 2


def test_describe_command_names_make_target() -> None:
    assert cli.describe_command([]) == "make bench"
    assert cli.describe_command(["--quick"]) == ".venv/bin/python -m bench --quick"
