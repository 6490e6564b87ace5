"""The real CLI run in-process, as a test sees it: ``Cli`` behind the ``cli`` fixture
(``tests/conftest.py``)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

from vidspec.cli import main
from vidspec.cli.context import GlobalOptions
from vidspec.core.clock import Clock

# What tells vidspec it runs in CI (annotations, the step summary, the forge's token): a
# developer's or CI's own values never reach a command; a test sets what it needs.
CI_VARIABLES = (
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "GITHUB_STEP_SUMMARY",
)


class Ran(NamedTuple):
    """One command's exit code, stdout and stderr (unpacks as ``code, out, err``)."""

    code: int
    out: str
    err: str


class Cli:
    """``cli(ROOT, "plan", "--json")`` runs ``vidspec -C ROOT plan --json`` through
    ``vidspec.cli.main`` (the console script's entry point: its exit codes, its messages);
    without a ``Path`` first, the arguments are passed as they are. ``env=`` sets variables and
    ``input=`` fills stdin for this command only; ``clock=`` is the clock the command reads
    (passed through the click context: ``main(argv, world=GlobalOptions(clock=...))``, never
    by patching a module). A traceback on stderr (an error that is not a
    clean exit) fails the test where it happens. ``outputs`` keeps every stdout and stderr, to
    look for what must never be printed (credentials)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.outputs: list[str] = []

    def __call__(
        self,
        *args: str | Path,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        clock: Clock | None = None,
    ) -> Ran:
        argv = [str(a) for a in args]
        if args and isinstance(args[0], Path):
            argv.insert(0, "-C")
        self.capsys.readouterr()
        with self.monkeypatch.context() as patch, pytest.raises(SystemExit) as exited:
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            if input is not None:
                patch.setattr("sys.stdin", io.StringIO(input))
            main(argv, world=None if clock is None else GlobalOptions(clock=clock))
        out = self.capsys.readouterr()
        self.outputs += [out.out, out.err]
        assert "Traceback" not in out.err, out.err
        code = exited.value.code
        assert isinstance(code, int), f"exit code {code!r}"
        return Ran(code, out.out, out.err)
