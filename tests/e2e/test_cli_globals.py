"""Issue 19 item 5: the global options (``-C DIR``, ``--no-color``/``-no-color``, ``-v``)
written after the subcommand, as Terraform users type them, mean what they mean before it, on
every command, nested groups included. The real CLI, in-process on a sandbox project (one
subprocess for the request log that ``-vv`` turns on)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from cli_run import Cli

from vidspec.cli import COMMANDS
from vidspec.cli import cli as vidspec_cli

ESC = "\x1b["


@pytest.fixture
def project(tmp_path: Path, cli: Cli) -> Path:
    root = tmp_path / "proj"
    assert cli("init", str(root))[0] == 0  # the sandbox project: hello, globe-tour
    return root


def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout (as the test runs) is a terminal: colour unless it is turned off."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


def test_C_after_the_subcommand_runs_in_that_directory(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.parent)  # no vidspec.yaml here or above
    code, out, err = cli("plan", "--no-refresh", "-C", str(project))
    assert code == 0, err
    assert "# hello will be created" in out
    code, out, err = cli("validate", "-C", "proj")  # relative to the working directory
    assert code == 0, err
    assert "2 videos in 1 file are valid" in out


@pytest.mark.parametrize("spelling", ["--no-color", "-no-color"])
def test_no_color_after_the_subcommand_turns_colour_off(
    project: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
) -> None:
    terminal(monkeypatch)
    code, coloured, err = cli("-C", str(project), "plan", "--no-refresh")
    assert code == 0, err
    assert ESC in coloured  # the terminal gets colour by default...
    code, plain, err = cli("-C", str(project), "plan", "--no-refresh", spelling)
    assert code == 0, err
    assert ESC not in plain  # ...and none with the option after the subcommand
    assert plain == cli("-C", str(project), spelling, "plan", "--no-refresh")[1]


def test_nested_groups_take_them_after_either_name(
    project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.parent)
    assert cli("apply", "-C", "proj", "--auto-approve")[0] == 0
    listed = cli("-C", str(project), "state", "list")
    assert listed[0] == 0 and "hello" in listed[1]
    assert cli("state", "list", "-C", "proj") == listed
    assert cli("state", "-C", "proj", "list") == listed
    assert cli("state", "show", "hello", "-C", "proj", "-no-color")[0] == 0
    assert cli("backend", "check", "-C", "proj")[0] == 0


def test_a_later_C_is_relative_to_an_earlier_one_like_git(project: Path, cli: Cli) -> None:
    code, out, err = cli("-C", str(project.parent), "validate", "-C", "proj")
    assert code == 0, err
    assert "2 videos in 1 file are valid" in out


def test_a_missing_directory_after_the_subcommand_is_a_usage_error(project: Path, cli: Cli) -> None:
    code, _, err = cli("plan", "-C", str(project / "nowhere"))
    assert code == 1
    assert f"-C {project / 'nowhere'}: no such directory" in err


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_subcommand_takes_the_global_options(name: str) -> None:
    command = vidspec_cli.get_command(click.Context(vidspec_cli), name)
    assert command is not None
    commands = [command]
    if isinstance(command, click.Group):
        commands += list(command.commands.values())
    for each in commands:
        opts = {opt for param in each.params for opt in param.opts}
        assert {"-C", "--no-color", "-v", "--verbose"} <= opts, each.name


def test_vv_after_the_subcommand_logs_the_requests(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vidspec", "plan", "-C", str(project), "-vv"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "GET /app/th-api/v1/accounts/sandbox/videos -> 200" in result.stderr
    assert "acquire" not in result.stderr.lower()  # -vv: no library debug lines
