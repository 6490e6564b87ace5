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


def sandbox_project(root: Path) -> None:
    assert run("init", ".", cwd=root).returncode == 0  # videos hello and globe-tour


def test_a_usage_error_exits_1_not_2_which_means_changes(tmp_path: Path) -> None:
    sandbox_project(tmp_path)
    result = run("plan", "--detailed-exitcode", "--no-refrsh", cwd=tmp_path)
    assert result.returncode == 1
    assert "No such option '--no-refrsh'" in result.stderr
    assert run("no-such-command", cwd=tmp_path).returncode == 1
    changes = run("plan", "--detailed-exitcode", "--no-refresh", cwd=tmp_path)
    assert changes.returncode == 2, changes.stderr


def test_terraform_single_dash_spellings_are_read_as_vidspec_options(tmp_path: Path) -> None:
    sandbox_project(tmp_path)
    result = run(
        "plan",
        "-out=plan.bin",
        "-detailed-exitcode",
        "-target=hello",
        "-lock-timeout=1s",
        "-refresh=false",
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert (tmp_path / "plan.bin").is_file()
    assert not (tmp_path / "ut=plan.bin").exists()
    assert "# hello will be" in result.stdout and "globe-tour" not in result.stdout  # -target
    replaced = run("apply", "-auto-approve", "-replace=hello", cwd=tmp_path)
    assert "--replace hello: no managed video has this address" in replaced.stderr
    applied = run("apply", "-auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "Apply complete! Videos: 2 created" in applied.stdout


def test_vv_logs_vidspecs_requests_without_library_debug_lines_which_vvv_adds(
    tmp_path: Path,
) -> None:
    sandbox_project(tmp_path)
    vv = run("-vv", "plan", cwd=tmp_path)
    assert "GET /app/th-api/v1/accounts/sandbox/videos -> 200" in vv.stderr
    assert "acquire" not in vv.stderr.lower()  # filelock's debug lines
    vvv = run("-vvv", "plan", cwd=tmp_path)
    assert "GET /app/th-api/v1/accounts/sandbox/videos -> 200" in vvv.stderr
    assert "acquire" in vvv.stderr.lower()
