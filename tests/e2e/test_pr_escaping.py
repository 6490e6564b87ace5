"""One escaping rule for every output that reaches a pull request (issue 19, item 0): control
and bidi characters from a script are made visible in the posted comment and in
``GITHUB_STEP_SUMMARY`` as on stdout, and text a server gave (a video name from the vendor's
web UI, a drift detail) mentions nobody: every ``@`` outside code is followed by a WORD
JOINER. Loopback GitHub emulator; ``plan --markdown`` on the embedded sandbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pr_env
import pytest
from apply_env import DEFAULTS
from cli_run import Cli
from forge_emulators import GitHubApi
from plan_fixtures import CDN, NOW, desired, listed, record, spec, state, want
from pr_env import PR, REPO, gh_env, save

from vidspec.cli import main
from vidspec.plan import Plan
from vidspec.plan.driftreport import detect_drift
from vidspec.plan.planner import plan
from vidspec.render.comment import comment_body
from vidspec.render.drift import render_drift_markdown

# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab

# clears the screen and rings, reverses what follows (Trojan Source), a lone CR (a Markdown
# line break), an isolate
SCRIPT = "Hello \x1b[2J\x07 there \u202egnp.exe\u202c and\r the rest \u2066x\u2069\nline two"
RAW = ("\x1b", "\x07", "\u202e", "\u202c", "\r", "\u2066")
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")  # what GitHub and GitLab read as a mention


def hostile_plan(count: int = 1, repeat: int = 1) -> Plan:
    script = " ".join([SCRIPT] * repeat)
    videos = [want(f"evil{i}", spec(script=script, name=f"Promo {i}")) for i in range(count)]
    remote = [listed("6f1c9d7e-0000-4000-8000-000000000001", "ping @alice and @bob-2 \x1b]0;x\x07")]
    return plan(desired(*videos), state(), remote, None, CDN, NOW)


def assert_safe(text: str) -> None:
    assert not any(c in text for c in RAW), repr(text)
    assert "\\u202egnp.exe\\u202c" in text and "\\x1b[2J\\x07" in text and "and\\r the" in text
    assert "ping @\u2060alice and @\u2060bob-2" in text
    assert not MENTION.search(text), MENTION.search(text)


def test_the_posted_comment_and_the_step_summary_are_escaped_like_stdout(
    github: GitHubApi, repo: Path, cli: Cli
) -> None:
    summary = repo / "summary.md"
    env = gh_env(github, repo, GITHUB_STEP_SUMMARY=str(summary))
    save(repo / "plan.json", hostile_plan())
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 0, err
    (body,) = github.world.bodies(REPO, PR)
    assert_safe(body)
    assert_safe(summary.read_text(encoding="utf-8"))


def test_plan_markdown_writes_the_same_safe_text_to_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    script = r'"Hello \e[2J\a there \u202egnp.exe\u202c and\r the rest"'  # YAML's escapes
    (tmp_path / "videos" / "main.yaml").write_text(
        DEFAULTS + f"videos:\n  welcome:\n    video_name: Welcome\n    script: {script}\n",
        encoding="utf-8",
    )
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    with pytest.raises(SystemExit) as exited:
        main(["-C", str(tmp_path), "plan", "--markdown"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    written = summary.read_text(encoding="utf-8")
    assert written == out  # the same text, escaped once by the renderer
    assert not any(c in written for c in RAW), repr(written)
    assert "\\u202egnp.exe\\u202c" in written and "and\\r the rest" in written


def test_escaping_keeps_a_big_comment_within_the_forge_limit() -> None:
    # ~60,000 characters as written, ~74,000 escaped: the budget is measured after escaping
    body = comment_body(hostile_plan(50, repeat=10), ".")
    assert 60_000 < len(body) <= 65_536
    assert not any(c in body for c in RAW)
    assert body.rstrip().endswith("`")  # the fingerprint line, last, survived the cut


def test_the_drift_issue_body_mentions_nobody_and_shows_controls() -> None:
    fine = spec(name="Fine")
    report = detect_drift(
        state({"fine": record("id-fine", fine)}),
        [listed("id-fine", "ping @alice and @bob-2 \x1b]0;x\x07 \u202eevil", body=fine)],
        CDN,
        NOW,
        {},
    )
    text = render_drift_markdown(report)
    assert "renamed outside vidspec" in text
    assert "ping @\u2060alice and @\u2060bob-2" in text and not MENTION.search(text)
    assert "\\x1b]0;x\\x07 \\u202eevil" in text and not any(c in text for c in RAW)
