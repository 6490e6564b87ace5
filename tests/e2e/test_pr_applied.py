"""The result on the pull request (issue 25 section 2): ``vidspec pr comment --applied
EVENTS`` adds an apply's outcome, read from its ``apply --json`` stream, to the project's
sticky plan comment on the merged PR, found by its marker and author, on the GitHub and GitLab
emulators over loopback; within 65,536 characters for 40 videos and for 3,000.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_env import ApplyEnv, make_env
from cli_run import Cli
from forge_emulators import GitHubApi, GitLabApi
from plan_fixtures import NOW
from pr_env import PR, REPO, WRITE, make_plan, save

from vidspec.app.review import AppliedRequest, CommentRequest, comment_applied, comment_on_pr
from vidspec.core.clock import ManualClock
from vidspec.core.rate import Rate
from vidspec.forges.base import COMMENT_LIMIT
from vidspec.forges.marker import parse_marker
from vidspec.forges.target import ForgeFlags
from vidspec.render.applied import ERROR_CHARS, ERRORS_SHOWN, applied_markdown, applied_run
from vidspec.render.events import to_line, version_event

FOR_EACH = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
videos:
  clip:
    for_each: [%s]
    video_name: "Clip ${each.key}"
    script: "This is clip ${each.key}. It explains one thing, and explains it well."
    download: "out/${each.key}.mp4"
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    (tmp_path / ".git").mkdir()
    yield from make_env(
        tmp_path,
        monkeypatch,
        cli,
        queue_seconds=0.0,
        processing_seconds=2.0,
        post_limit=Rate(100, 60.0),
    )


def forge_env(forge: str, api: Any, root: Path) -> dict[str, str]:
    if forge == "github":
        return {
            "GITHUB_ACTIONS": "true",
            "GITHUB_API_URL": api.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": WRITE,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "991",
            "GITHUB_STEP_SUMMARY": str(root / "summary.md"),
        }
    return {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": api.url,
        "CI_PROJECT_ID": "42",
        "GITLAB_TOKEN": WRITE,
        "CI_JOB_URL": "https://gitlab.example.com/group/videos/-/jobs/5",
    }


@pytest.fixture(params=["github", "gitlab"])
def forge(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any, str]]:
    if request.param == "github":
        with GitHubApi() as api:
            api.world.tokens.update({WRITE: "write"})
            api.world.add_request(REPO, PR)
            api.world.commits[(REPO, "abc123")] = [{"number": PR, "merged_at": "2026-11-02"}]
            yield "github", api, REPO
    else:
        with GitLabApi() as api:
            api.world.tokens.update({WRITE: "write"})
            api.project_ids["42"] = "group/videos"
            api.world.add_request("group/videos", PR)
            api.world.commits[("group/videos", "abc123")] = [{"iid": PR, "state": "merged"}]
            yield "gitlab", api, "group/videos"


def test_an_apply_of_40_for_each_instances_leaves_its_result_in_the_sticky_comment(
    env: ApplyEnv, forge: tuple[str, Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, api, repo = forge
    keys = [f"k{n:02d}" for n in range(40)]
    env.write(FOR_EACH % ", ".join(keys))
    for name, value in forge_env(kind, api, env.root).items():
        monkeypatch.setenv(name, value)
    code, _, err = env.run("plan", "-o", str(env.root / "plan.bin"))
    assert code == 0, err
    code, _, err = env.run("pr", "comment", "--pr", str(PR), "plan.bin")
    assert code == 0, err
    (planned,) = api.world.bodies(repo, PR)
    reviewed = parse_marker(planned)
    assert reviewed is not None

    code, out, err = env.run("apply", "--json", "plan.bin")
    assert code == 0, err
    (env.root / "events.ndjson").write_text(out, encoding="utf-8")
    code, _, err = env.run("pr", "comment", "--applied", "events.ndjson", "--commit", "abc123")
    assert code == 0, err
    assert "Added the apply's result (Apply complete! Videos: 40 created" in err

    (body,) = api.world.bodies(repo, PR)  # the same comment, edited: still one
    assert len(body) <= COMMENT_LIMIT
    assert parse_marker(body) == reviewed  # `pr fingerprint` reads what it read before
    assert "vidspec apply: Apply complete! Videos: 40 created" in body
    assert "**Result:** 40 of 40 planned done, 0 failed, 0 in flight, 0 not done" in body
    assert "Every video (40)" in body
    state = env.state()
    for key in keys:
        row = next(line for line in body.splitlines() if line.startswith(f"| `clip[{key}]`"))
        assert state.videos[f"clip[{key}]"].id in row and f"out/{key}.mp4" in row
        assert "[watch](<http" in row
    assert "### vidspec plan: 40 to create" in body  # the plan stays below the result
    run_url = "https://github.com/acme/videos/actions/runs/991" if kind == "github" else "jobs/5"
    assert run_url in body
    if kind == "github":
        assert "40 of 40 planned done" in (env.root / "summary.md").read_text("utf-8")

    # a second apply's result replaces the first; the comment holds one result
    code, _, err = env.run("pr", "comment", "--applied", "events.ndjson", "--commit", "abc123")
    assert code == 0, err
    (again,) = api.world.bodies(repo, PR)
    assert again.count("<!-- vidspec:applied -->") == 1 and again == body


def stream(count: int, failed: int) -> list[dict[str, Any]]:
    """A run of ``count`` creates, the first ``failed`` of them failing, as its events."""
    events: list[dict[str, Any]] = [version_event("0.1.0")]
    events += [{"type": "planned_change", "change": {}} for _ in range(count)]
    for n in range(count):
        hook = {"resource": {"addr": f"video-{n:05d}"}, "action": "create"}
        if n < failed:
            hook |= {"elapsed_seconds": 3, "error": "task failed: <b>@everyone</b> broke"}
            events.append({"type": "apply_errored", "hook": hook})
        else:
            hook |= {"id_value": f"id{n}", "url": f"https://cdn.example/{n}.mp4", "file": None}
            hook |= {"expires_at": "2026-12-01T00:00:00Z", "elapsed_seconds": 40}
            events.append({"type": "apply_complete", "hook": hook})
    message = f"Apply finished with errors. Videos: {count - failed} created; {failed} failed."
    changes = {"operation": "apply", "failed": failed}
    events.append({"type": "change_summary", "@message": message, "changes": changes})
    return events


def test_3000_videos_fit_with_the_summary_and_every_error_kept(
    forge: tuple[str, Any, str], tmp_path: Path
) -> None:
    """The forge emulators refuse a body over 65,536 characters, as GitHub does."""
    kind, api, repo = forge
    (tmp_path / ".git").mkdir()
    (tmp_path / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    environ = forge_env(kind, api, tmp_path)
    clock = ManualClock(NOW)
    saved = save(tmp_path / "plan.json", make_plan(3000))
    flags = ForgeFlags(pr=PR)
    comment_on_pr(tmp_path, CommentRequest(plan_file=saved), flags, environ, clock)
    (plan_body,) = api.world.bodies(repo, PR)
    assert len(plan_body) > COMMENT_LIMIT // 2  # a plan that leaves the result no room
    events = tmp_path / "events.ndjson"
    events.write_text("".join(to_line(e, NOW) + "\n" for e in stream(3000, 7)), encoding="utf-8")
    request = AppliedRequest(events, "events.ndjson")
    comment_applied(tmp_path, request, flags, environ, clock)
    (body,) = api.world.bodies(repo, PR)
    assert len(body) <= COMMENT_LIMIT
    assert parse_marker(body) == parse_marker(plan_body)
    assert "**Result:** 2,993 of 3,000 planned done, 7 failed" in body
    for n in range(7):
        assert f"- `video-{n:05d}` create failed" in body
    assert "<b>" not in body and "@everyone" not in body  # escaped, and no mention
    assert "more videos left out to fit: see [the apply job](" in body
    assert "| `video-00007` |" in body and "| `video-02999` |" in body  # both ends kept
    assert "Plan fingerprint" in body and "The plan's rows are left out here" in body


def test_a_file_that_is_not_an_event_stream_is_refused_at_its_line(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = env.root / "events.ndjson"
    events.write_text(to_line(version_event("0.1.0"), NOW) + "\nApplying 3 actions...\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    code, out, err = env.run("pr", "comment", "--applied", str(events), "--pr", "7")
    assert code == 1 and out == ""
    assert f"{events}:2: not a JSON event" in err
    assert "Traceback" not in err and "stdout of `vidspec apply --json` alone" in err


def test_events_of_another_ui_major_are_refused(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = env.root / "events.ndjson"
    first = json.loads(to_line(version_event("9.0.0"), NOW)) | {"ui": "2.0"}
    events.write_text(json.dumps(first) + "\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, _, err = env.run("pr", "comment", "--applied", str(events), "--pr", "7")
    assert code == 1 and "events of ui version 2.0; this vidspec reads 1.x" in err


def test_many_long_errors_are_bounded_and_counted() -> None:
    events = stream(80, 60)
    for event in events:
        if event["type"] == "apply_errored":
            event["hook"]["error"] = "refused: " + "x" * 5000
    run = applied_run(json.loads(to_line(e, NOW)) for e in events)
    text = applied_markdown(run, limit=COMMENT_LIMIT)
    errors = [line for line in text.splitlines() if line.startswith("- `video-")]
    assert len(errors) == ERRORS_SHOWN
    assert all(len(line) < ERROR_CHARS + 100 for line in errors)
    assert f"- … and {60 - ERRORS_SHOWN} more" in text
