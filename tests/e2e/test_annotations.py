"""Manifest problems where the reviewer looks: GitHub workflow commands and GitLab's
code-quality report, from ``validate`` and ``plan``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import Cli

PROJECT = "version: 1\nprovider: {kind: sandbox}\nmanifests: ['videos/*.yaml']\n"
BAD = """\
videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome.
    actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
    voice: 12
"""


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    root = tmp_path / "videos-project"
    (root / "videos").mkdir(parents=True)
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    (root / "videos" / "main.yaml").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(root)
    for key in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(key, raising=False)
    return root


EXPECTED = (
    "::error file=videos-project/videos/main.yaml,line=6,col=5,title=vidspec::"
    "voice must be text, not a number (put the value in quotes: '12')\n"
)


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_github_workflow_commands_with_the_flag_or_on_actions(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    code, out, err = cli(command, "--format", "github")
    assert code == 1
    assert out == EXPECTED
    assert "videos/main.yaml:6:5: voice must be text" in err  # the human list stays
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert cli(command)[:2] == (1, EXPECTED)
    code, out, _ = cli(command, "--format", "text")
    assert (code, out) == (1, "")


def test_workflow_command_data_is_escaped(cli: Cli, project: Path) -> None:
    (project / "videos" / "main.yaml").write_text(
        BAD.replace("voice: 12", "voice: Sara\n  bad,name:%: 3"), encoding="utf-8"
    )
    code, out, _ = cli("validate", "--format", "github")
    assert code == 1
    assert out.startswith("::error file=videos-project/videos/main.yaml,line=")
    for line in out.splitlines():
        assert line.count("::") == 2  # the message cannot open another command


def test_gitlab_code_quality_report(cli: Cli, project: Path) -> None:
    report = project / "gl-code-quality.json"
    code, out, _ = cli("validate", "--format", "gitlab", "--report", str(report))
    assert (code, out) == (1, "")
    (issue,) = json.loads(report.read_text(encoding="utf-8"))
    assert issue["location"] == {"path": "videos-project/videos/main.yaml", "lines": {"begin": 6}}
    assert issue["check_name"] == "vidspec" and issue["severity"] == "major"
    assert issue["description"].startswith("voice must be text")
    assert len(issue["fingerprint"]) == 64
    (project / "videos" / "main.yaml").write_text(BAD.replace("12", "Sara"), encoding="utf-8")
    code, _, err = cli("validate", "--format", "gitlab", "--report", str(report))
    assert code == 0, err
    assert json.loads(report.read_text(encoding="utf-8")) == []


def test_format_and_report_go_together(cli: Cli) -> None:
    code, _, err = cli("validate", "--format", "gitlab")
    assert code == 1 and "--format gitlab needs --report FILE" in err
    code, _, err = cli("validate", "--report", "x.json")
    assert code == 1 and "--report goes with --format gitlab" in err
