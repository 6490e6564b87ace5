"""``vidspec pr comment`` against loopback GitHub and GitLab emulators (real HTTP): one sticky
comment per project, kept fresh, found through every page, within 65,536 characters, and every
error named with its host. Never two sticky comments, also after a rate limit or a lost answer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pr_env
import pytest
from cli_run import Cli
from forge_emulators import Fault, GitHubApi, GitLabApi
from plan_fixtures import NOW, SCRIPT
from pr_env import PR, READ, REPO, WRITE, gh_env, gl_env, make_plan, ours, post, save

from vidspec.app.review import CommentRequest, comment_on_pr, project_name
from vidspec.core.clock import ManualClock
from vidspec.core.errors import ForgeError, UsageError
from vidspec.forges.marker import parse_marker
from vidspec.forges.target import ForgeFlags

# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab


def comment_calls(api: GitHubApi | GitLabApi) -> list[Any]:
    """The calls about comments: all but the one asking who the token is (GET /user)."""
    return [c for c in api.world.calls if not c.path.endswith("/user")]


# --- the sticky comment ------------------------------------------------------------------------


def test_three_pushes_keep_one_fresh_comment(github: GitHubApi, repo: Path) -> None:
    github.world.seed(REPO, PR, "LGTM, but check the intro")
    env = gh_env(github, repo)
    ids, prints = set(), []
    for push in range(3):
        the_plan = make_plan(push + 1, name=f"P{push}-")
        outcome = post(repo, save(repo / "plan.json", the_plan), env)
        ids.add(outcome.result.comment_id)
        prints.append(the_plan.fingerprint)
        assert outcome.result.outcome == ("created" if push == 0 else "updated")
    bodies = github.world.bodies(REPO, PR)
    assert bodies[0] == "LGTM, but check the intro"
    mine = ours(bodies)
    assert len(mine) == 1 and len(ids) == 1
    marker = parse_marker(mine[0])
    assert marker is not None and marker.project == "." and marker.fingerprint == prints[-1]
    assert len(set(prints)) == 3
    assert f"Plan fingerprint: `{prints[-1][:12]}`" in mine[0]
    assert "3 to create" in mine[0]
    assert [c.method for c in github.world.calls].count("POST") == 1


def test_two_projects_in_one_pr_keep_one_comment_each(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo)
    roots = {}
    for name in ("marketing", "support/onboarding"):
        root = repo / name
        root.mkdir(parents=True)
        roots[name] = root
        assert project_name(root) == name
    for push in range(2):
        for name, root in roots.items():
            post(root, save(root / "plan.json", make_plan(push + 1, name=name)), env)
    mine = ours(github.world.bodies(REPO, PR))
    projects = sorted(m.project for b in mine if (m := parse_marker(b)))
    assert projects == ["marketing", "support/onboarding"]
    assert all("2 to create" in b for b in mine)


def test_finds_its_comment_after_150_foreign_ones(github: GitHubApi, repo: Path) -> None:
    for i in range(150):
        github.world.seed(REPO, PR, f"comment {i}")
    env = gh_env(github, repo)
    first = post(repo, save(repo / "plan.json", make_plan(1)), env)
    github.world.calls.clear()
    second = post(repo, save(repo / "plan.json", make_plan(2)), env)
    assert second.result.outcome == "updated"
    assert second.result.comment_id == first.result.comment_id
    pages = [c.query for c in comment_calls(github) if c.method == "GET"]
    assert pages == ["per_page=100", "per_page=100&page=2"]
    assert len(ours(github.world.bodies(REPO, PR))) == 1
    assert len(github.world.bodies(REPO, PR)) == 151


def test_a_5000_video_plan_stays_under_the_limit(github: GitHubApi, repo: Path) -> None:
    big = make_plan(5000, script=SCRIPT * 3)
    outcome = post(repo, save(repo / "plan.json", big), gh_env(github, repo))
    assert outcome.result.outcome == "created"
    (body,) = ours(github.world.bodies(REPO, PR))
    assert 60_000 < len(body) <= 65_536
    assert body.index("5000 to create") < body.index("**Cost:**") < body.index("| Action |")
    run = "https://github.com/acme/videos/actions/runs/991"
    note = re.search(
        r"_the diffs of 5000 videos and (\d+) videos from the table left out .*"
        r"the whole plan is at " + re.escape(run),
        body,
    )
    assert note is not None
    assert body.count("| `+` create |") == 5000 - int(note.group(1)) > 100
    assert body.rstrip().endswith(f"Plan fingerprint: `{big.fingerprint[:12]}`")


def test_github_refuses_a_body_over_65536_characters(github: GitHubApi, repo: Path) -> None:
    from vidspec.forges.github import GitHub

    client = GitHub(github.url, REPO, WRITE, ManualClock(NOW))
    with pytest.raises(ForgeError) as caught:
        client.create_comment(PR, "x" * 65_537)
    text = str(caught.value)
    assert "127.0.0.1" in text and "HTTP 422" in text and "refused the comment body" in text
    assert github.world.bodies(REPO, PR) == []


def test_behaviors_new_and_delete_and_new(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo)
    planfile = save(repo / "plan.json", make_plan(1))
    post(repo, planfile, env)
    github.world.seed(REPO, PR, "a reviewer's note")
    post(repo, planfile, env, behavior="new")
    assert len(ours(github.world.bodies(REPO, PR))) == 2
    outcome = post(repo, planfile, env, behavior="delete-and-new")
    assert (outcome.result.outcome, outcome.result.deleted) == ("replaced", 2)
    bodies = github.world.bodies(REPO, PR)
    assert bodies[0] == "a reviewer's note"
    assert len(ours(bodies)) == 1 and parse_marker(bodies[-1]) is not None


def test_skip_no_changes_posts_nothing_but_updates_an_existing_comment(
    github: GitHubApi, repo: Path
) -> None:
    env = gh_env(github, repo)
    empty = save(repo / "empty.json", make_plan(0))
    assert post(repo, empty, env, skip_no_changes=True).result.outcome == "skipped"
    assert github.world.bodies(REPO, PR) == []
    post(repo, save(repo / "plan.json", make_plan(2)), env)
    outcome = post(repo, empty, env, skip_no_changes=True)
    assert outcome.result.outcome == "updated"
    (body,) = ours(github.world.bodies(REPO, PR))
    assert "vidspec plan: no changes" in body


# --- rate limits and lost answers: never two sticky comments -----------------------------------


def test_secondary_rate_limit_is_waited_out(github: GitHubApi, repo: Path) -> None:
    github.world.fail_next(
        Fault(
            "POST",
            403,
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
            {"Retry-After": "45"},
        )
    )
    clock = ManualClock(NOW)
    outcome = post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo), clock)
    assert outcome.result.outcome == "created"
    assert clock.monotonic() >= 45
    assert len(ours(github.world.bodies(REPO, PR))) == 1
    assert [c.method for c in comment_calls(github)] == ["GET", "POST", "GET", "POST"]


def test_a_post_that_landed_before_its_answer_was_lost_is_not_sent_again(
    github: GitHubApi, repo: Path
) -> None:
    github.world.fail_next(Fault("POST", 502, {"message": "Server Error"}, after_done=True))
    outcome = post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo))
    assert outcome.result.outcome == "created"
    assert len(ours(github.world.bodies(REPO, PR))) == 1
    assert [c.method for c in comment_calls(github)] == ["GET", "POST", "GET"]


def test_a_rate_limit_that_lands_the_comment_anyway_yields_one_comment(
    github: GitHubApi, repo: Path
) -> None:
    github.world.fail_next(
        Fault(
            "POST", 429, {"message": "secondary rate limit"}, {"Retry-After": "5"}, after_done=True
        )
    )
    post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo))
    assert len(ours(github.world.bodies(REPO, PR))) == 1


# --- errors name the host and what to do --------------------------------------------------------


def test_no_token(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo)
    del env["GITHUB_TOKEN"]
    with pytest.raises(
        ForgeError, match=r"no token for http://127\.0\.0\.1:\d+: GITHUB_TOKEN is not set"
    ):
        post(repo, save(repo / "plan.json", make_plan(1)), env)
    assert github.world.calls == []


def test_bad_token_401(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo, GITHUB_TOKEN="ghs_wrongToken0000000000")
    with pytest.raises(ForgeError) as caught:
        post(repo, save(repo / "plan.json", make_plan(1)), env)
    text = str(caught.value)
    assert "GitHub (127.0.0.1:" in text and "HTTP 401" in text and "the token was refused" in text
    assert "ghs_wrongToken" not in text


def test_read_only_token_403_says_which_permission(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo, GITHUB_TOKEN=READ)
    with pytest.raises(ForgeError) as caught:
        post(repo, save(repo / "plan.json", make_plan(1)), env)
    text = str(caught.value)
    assert "HTTP 403" in text and "127.0.0.1" in text
    assert "`permissions: pull-requests: write`" in text


def test_unknown_pr_404(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo)
    with pytest.raises(ForgeError) as caught:
        comment_on_pr(
            repo,
            CommentRequest(save(repo / "plan.json", make_plan(1))),
            ForgeFlags(pr=404),
            env,
            ManualClock(NOW),
        )
    text = str(caught.value)
    assert "pull request #404 in acme/videos" in text and "HTTP 404" in text
    assert "Check --repo and --pr" in text


def test_rate_limit_that_never_ends_is_an_error_and_posts_nothing(
    github: GitHubApi, repo: Path
) -> None:
    for _ in range(4):
        github.world.fail_next(
            Fault("POST", 403, {"message": "secondary rate limit"}, {"Retry-After": "60"})
        )
    clock = ManualClock(NOW)
    with pytest.raises(ForgeError, match="rate limit"):
        post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo), clock)
    assert github.world.bodies(REPO, PR) == []
    assert clock.monotonic() >= 180


def test_http_api_url_off_loopback_is_refused(repo: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": WRITE}
    with pytest.raises(UsageError, match="unencrypted"):
        comment_on_pr(
            repo,
            CommentRequest(save(repo / "plan.json", make_plan(1))),
            ForgeFlags(pr=1, api_url="http://example.com/api"),
            env,
            ManualClock(NOW),
        )


# --- GitLab --------------------------------------------------------------------------------------


def test_gitlab_sticky_note_through_pages_of_system_notes(gitlab: GitLabApi, repo: Path) -> None:
    for i in range(150):
        gitlab.world.seed("group/videos", PR, f"added {i} commits", system=True)
    env = gl_env(gitlab)
    for push in range(3):
        post(repo, save(repo / "plan.json", make_plan(push + 1)), env)
    mine = ours(gitlab.world.bodies("group/videos", PR))
    assert len(mine) == 1 and "3 to create" in mine[0]
    methods = [c.method for c in gitlab.world.calls]
    assert methods.count("POST") == 1 and methods.count("PUT") == 2
    assert all(c.authorized for c in gitlab.world.calls)
    listed_pages = [c.query for c in gitlab.world.calls if c.method == "GET"][-2:]
    assert ["page=1" in listed_pages[0], "page=2" in listed_pages[1]] == [True, True]


def test_gitlab_project_path_is_url_encoded(gitlab: GitLabApi, repo: Path) -> None:
    env = gl_env(gitlab, CI_PROJECT_ID="group/videos")
    post(repo, save(repo / "plan.json", make_plan(1)), env)
    assert comment_calls(gitlab)[0].path.startswith("/api/v4/projects/group%2Fvideos/")
    assert len(ours(gitlab.world.bodies("group/videos", PR))) == 1


def test_gitlab_errors_name_the_host(gitlab: GitLabApi, repo: Path) -> None:
    with pytest.raises(ForgeError) as caught:
        post(repo, save(repo / "plan.json", make_plan(1)), gl_env(gitlab, GITLAB_TOKEN=READ))
    text = str(caught.value)
    assert "GitLab (127.0.0.1:" in text and "HTTP 403" in text and "`api` scope" in text
    env = gl_env(gitlab)
    del env["GITLAB_TOKEN"]
    with pytest.raises(ForgeError, match="GITLAB_TOKEN is not set"):
        post(repo, save(repo / "plan.json", make_plan(1)), env)


# --- the command line ----------------------------------------------------------------------------


def test_cli_comment_then_fingerprint_by_pr_and_by_commit(
    github: GitHubApi, repo: Path, cli: Cli
) -> None:
    summary = repo / "summary.md"
    env = gh_env(github, repo, GITHUB_STEP_SUMMARY=str(summary))
    the_plan = make_plan(2)
    save(repo / "plan.json", the_plan)
    code, out, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 0, err
    assert "Posted the plan comment of project . on pull request #7 in acme/videos" in err
    assert "2 to create" in summary.read_text(encoding="utf-8")
    github.world.commits[(REPO, "abc123")] = [{"number": PR, "merged_at": "2026-11-02T10:00:00Z"}]
    for args in (["--pr", "7"], ["--commit", "abc123"]):
        code, out, err = cli(repo, "pr", "fingerprint", *args, env=env)
        assert (code, out) == (0, the_plan.fingerprint + "\n"), err
    code, out, err = cli(repo, "pr", "fingerprint", "--commit", "fff999", env=env)
    assert code == 1 and out == ""
    assert "no pull request on http://127.0.0.1" in err and "fff999" in err
    for text in [out, err, summary.read_text(encoding="utf-8")] + [
        p.read_text(encoding="utf-8", errors="replace") for p in repo.rglob("*") if p.is_file()
    ]:
        assert WRITE not in text


def test_cli_fingerprint_without_a_comment_exits_1(gitlab: GitLabApi, repo: Path, cli: Cli) -> None:
    gitlab.world.seed("group/videos", PR, "a human note", system=False)
    code, out, err = cli(repo, "pr", "fingerprint", env=gl_env(gitlab))
    assert code == 1 and out == ""
    assert "merge request !7 in 42 has no vidspec plan comment for project ." in err


def test_a_link_to_another_host_is_not_followed_with_the_token(
    github: GitHubApi, repo: Path
) -> None:
    for i in range(101):
        github.world.seed(REPO, PR, f"comment {i}")
    github.link_base = "http://127.0.0.2:9"
    with pytest.raises(ForgeError, match=r"pointed to another host \(127\.0\.0\.2:9\)"):
        post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo))
    assert [c.method for c in comment_calls(github)] == ["GET"]


def test_the_token_stays_out_of_the_request_log(github: GitHubApi, repo: Path) -> None:
    save(repo / "plan.json", make_plan(1))
    env = {**os.environ, **gh_env(github, repo, GITHUB_TOKEN=READ)}
    done = subprocess.run(
        [sys.executable, "-m", "vidspec", "-vv", "-C", str(repo), "pr", "comment", "plan.json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "POST /repos/acme/videos/issues/7/comments -> 403" in done.stderr
    assert READ not in done.stdout + done.stderr


def test_gitlab_cli_comment_and_fingerprint_of_a_merged_commit(
    gitlab: GitLabApi, repo: Path, cli: Cli
) -> None:
    the_plan = make_plan(3)
    save(repo / "plan.json", the_plan)
    env = gl_env(gitlab)
    args = ["-C", str(repo), "pr", "comment", "plan.json", "--behavior", "delete-and-new"]
    code, _, err = cli(*args, env=env)
    assert code == 0, err
    assert "Posted the plan comment of project . on merge request !7 in 42" in err
    gitlab.world.commits[("group/videos", "c0ffee")] = [
        {"iid": 3, "state": "opened"},
        {"iid": PR, "state": "merged"},
    ]
    code, out, err = cli(repo, "pr", "fingerprint", "--commit", "c0ffee", env=env)
    assert (code, out) == (0, the_plan.fingerprint + "\n"), err
    code, _, err = cli(
        "-C", str(repo), "pr", "fingerprint", "--pr", "7", "--commit", "c0ffee", env=env
    )
    assert code == 1 and "--pr and --commit cannot be combined" in err


def test_flags_override_the_environment(github: GitHubApi, repo: Path, cli: Cli) -> None:
    github.world.add_request("other/repo", 12)
    save(repo / "plan.json", make_plan(1))
    env = {"MY_TOKEN": WRITE}  # no CI variables at all
    args = [
        "-C", str(repo), "pr", "comment", "plan.json", "--forge", "github",
        "--repo", "other/repo", "--pr", "12", "--api-url", github.url, "--token-env", "MY_TOKEN",
    ]  # fmt: skip
    code, _, err = cli(*args, env=env)
    assert code == 0, err
    assert len(ours(github.world.bodies("other/repo", 12))) == 1
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 1 and "neither GITHUB_ACTIONS nor GITLAB_CI is set" in err
