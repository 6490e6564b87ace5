"""The command line loads a command's module only when that command runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
import pytest

from vidspec.cli import COMMANDS, cli

HEAVY = (
    *(module for module, _ in COMMANDS.values()),
    "vidspec.emulator",
    "vidspec.apply",
    "jsonschema",
    "requests",
    "yaml",
)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_matches_each_command(name: str) -> None:
    module, short = COMMANDS[name]
    command = importlib.import_module(module).command
    assert isinstance(command, click.Command)
    assert command.get_short_help_str(limit=10_000) == short
    assert cli.get_command(click.Context(cli), name) is command


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"]])
def test_help_and_version_import_no_command_module(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from vidspec.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
        "print('LOADED', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.rstrip().endswith("LOADED []"), out
    if args != ["--version"]:
        for name in COMMANDS:
            assert f"  {name} " in out


def test_a_command_still_runs_and_shows_its_own_help() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["schema", "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and "schema" in result.output
