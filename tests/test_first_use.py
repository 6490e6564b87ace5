"""What a new user meets on a fresh project (issue 13): the sandbox project of ``vidspec init``
driven through the real command line in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from vidspec.core.times import format_time

FRACTION = re.compile(r"\d\d:\d\d:\d\d\.\d")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vidspec", *args], cwd=cwd, capture_output=True, text=True
    )


def applied_project(root: Path) -> None:
    assert run("init", ".", cwd=root).returncode == 0  # videos hello and globe-tour
    applied = run("apply", "--auto-approve", cwd=root)
    assert applied.returncode == 0, applied.stderr


def test_times_are_written_in_whole_seconds() -> None:
    moment = datetime(2027, 1, 1, 7, 9, 44, 987654, tzinfo=timezone.utc)
    assert format_time(moment) == "2027-01-01T07:09:44Z"


def test_no_time_shown_or_stored_has_a_fraction_of_a_second(tmp_path: Path) -> None:
    applied_project(tmp_path)
    state_text = (tmp_path / ".vidspec" / "state.json").read_text()
    assert json.loads(state_text)["videos"]
    assert not FRACTION.search(state_text), state_text
    for args in (["state", "list"], ["state", "show", "hello"], ["show", "--json"]):
        shown = run(*args, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert not FRACTION.search(shown.stdout), (args, shown.stdout)
