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


def clips_project(root: Path, numbers: list[int]) -> None:
    assert run("init", ".", cwd=root).returncode == 0
    videos = "".join(
        f"  clip{n}:\n    video_name: Clip {n}\n    script: Clip number {n}.\n    voice: Sara\n"
        for n in numbers
    )
    (root / "videos" / "welcome.yaml").write_text(
        f"defaults:\n  background: green_screen\nvideos:\n{videos}"
    )


def test_addresses_are_listed_in_natural_order_clip2_before_clip10(tmp_path: Path) -> None:
    clips_project(tmp_path, [10, 1, 2])
    plan = run("plan", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    headers = re.findall(r"# (clip\d+) will be", plan.stdout)
    assert headers == ["clip1", "clip2", "clip10"], plan.stdout
    assert run("apply", "--auto-approve", cwd=tmp_path).returncode == 0
    listing = run("state", "list", cwd=tmp_path).stdout
    assert re.findall(r"^(clip\d+)\s", listing, re.M) == ["clip1", "clip2", "clip10"], listing


def test_the_project_is_found_upward_from_a_subdirectory_like_git(tmp_path: Path) -> None:
    assert run("init", ".", cwd=tmp_path).returncode == 0
    below = tmp_path / "videos" / "more"
    below.mkdir()
    validated = run("validate", cwd=below)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout == "2 videos in 1 file are valid.\n"
    planned = run("plan", "-o", "plan.bin", cwd=below)
    assert planned.returncode == 0, planned.stderr
    assert (below / "plan.bin").is_file()  # a path given on the command line: from here
    assert not (tmp_path / ".vidspec" / "state.json").exists()


def test_the_upward_search_stops_at_a_git_work_trees_root(tmp_path: Path) -> None:
    assert run("init", ".", cwd=tmp_path).returncode == 0
    repo = tmp_path / "other-repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    found = run("validate", cwd=repo / "docs")
    assert found.returncode == 1
    assert "no vidspec.yaml in . or above it" in found.stderr
