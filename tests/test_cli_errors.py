"""How the command line shows errors: messages, exit codes, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vidspec", *args], cwd=cwd, capture_output=True, text=True
    )


def test_manifest_problems_are_shown_one_a_line_without_a_prefix(tmp_path: Path) -> None:
    (tmp_path / "vidspec.yaml").write_text("version: 1\nmanifests: ['videos/*.yaml']\n")
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "a.yaml").write_text("videos:\n  intro:\n    scirpt: hi\n")
    result = run("plan", "--no-refresh", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert all(line.startswith("videos/a.yaml:") for line in lines[:-1]), lines
    assert "videos/a.yaml:3:5: unknown field 'scirpt' (did you mean 'script'?)" in lines
    assert "Error" not in result.stderr
    assert "Traceback" not in result.stderr
    assert lines[-1].endswith("found.")


def test_other_errors_say_error_and_what_to_do(tmp_path: Path) -> None:
    result = run("plan", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no vidspec.yaml")
    assert "vidspec init" in result.stderr
    assert "Traceback" not in result.stderr
