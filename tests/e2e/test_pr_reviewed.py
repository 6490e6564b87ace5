"""The reviewed plan's summary travels in the sticky comment's marker: ``vidspec pr
fingerprint`` prints the fingerprint alone on stdout (``$(...)`` in the merge job) and the
reviewed plan's summary on stderr, on both forges (loopback emulators, real HTTP); comments
posted before the summary existed still give their fingerprint."""

from __future__ import annotations

import re
from pathlib import Path

import pr_env
import pytest
from cli_run import Cli
from forge_emulators import ACTIONS_BOT, PROJECT_BOT, GitHubApi, GitLabApi
from pr_env import PR, REPO, gh_env, gl_env, make_plan, save

from vidspec.forges.marker import Marker, parse_marker
from vidspec.render.comment import comment_body

# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab

HEX = "ab" * 32
OLD_MARKER = f"<!-- vidspec:comment project=videos/promo fingerprint={HEX} -->"


def test_marker_round_trip_with_and_without_the_summary() -> None:
    with_summary = Marker("videos/my promo", HEX, {"create": 2, "rename": 1, "delete": 0})
    text = with_summary.render()
    assert text == (
        "<!-- vidspec:comment project=videos/my%20promo "
        f"fingerprint={HEX} summary=create:2,rename:1,delete:0 -->"
    )
    assert parse_marker(text + "\nbody") == with_summary
    assert Marker("videos/promo", HEX).render() == OLD_MARKER
    older = parse_marker(OLD_MARKER + "\n### vidspec plan")  # a comment from before summaries
    assert older == Marker("videos/promo", HEX) and older.summary is None


@pytest.mark.parametrize(
    "tail",
    [" summary= -->", " summary=create -->", " summary=create:2;rm -->", " summary=CREATE:1 -->"],
)
def test_a_broken_summary_is_not_our_marker(tail: str) -> None:
    assert parse_marker(f"<!-- vidspec:comment project=. fingerprint={HEX}{tail}") is None


def test_the_comment_marker_counts_what_the_summary_line_shows() -> None:
    marker = parse_marker(comment_body(make_plan(3), "."))
    assert marker is not None and marker.fingerprint == make_plan(3).fingerprint
    assert marker.summary == {"create": 3, "rename": 0, "regenerate": 0, "delete": 0}


def test_github_fingerprint_on_stdout_reviewed_summary_on_stderr(
    github: GitHubApi, repo: Path, cli: Cli
) -> None:
    env = gh_env(github, repo)
    the_plan = make_plan(2)
    save(repo / "plan.json", the_plan)
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 0, err
    github.world.commits[(REPO, "abc123")] = [{"number": PR, "merged_at": "2026-11-02T10:00:00Z"}]
    code, out, err = cli(repo, "pr", "fingerprint", "--commit", "abc123", env=env)
    assert (code, out) == (0, the_plan.fingerprint + "\n"), err
    (comment,) = github.world.comments[(REPO, PR)]
    assert err == (
        f"Reviewed plan (pull request #7, https://github.com/acme/videos/pull/7"
        f"#issuecomment-{comment['id']}): Plan: 2 to create, 0 to rename, 0 to regenerate, "
        "0 to delete.\n"
    )


def test_gitlab_fingerprint_on_stdout_reviewed_summary_on_stderr(
    gitlab: GitLabApi, repo: Path, cli: Cli
) -> None:
    env = gl_env(gitlab, CI_PROJECT_URL="https://gitlab.example.com/group/videos")
    the_plan = make_plan(4)
    save(repo / "plan.json", the_plan)
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 0, err
    code, out, err = cli(repo, "pr", "fingerprint", env=env)
    assert (code, out) == (0, the_plan.fingerprint + "\n"), err
    (note,) = gitlab.world.comments[("group/videos", PR)]
    assert err == (
        f"Reviewed plan (merge request !7, https://gitlab.example.com/group/videos/-/"
        f"merge_requests/7#note_{note['id']}): Plan: 4 to create, 0 to rename, "
        "0 to regenerate, 0 to delete.\n"
    )


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_an_older_comment_without_a_summary_still_gives_its_fingerprint(
    forge: str,
    github: GitHubApi,
    gitlab: GitLabApi,
    repo: Path,
    cli: Cli,
) -> None:
    (repo / "videos" / "promo").mkdir(parents=True)
    (repo / "videos" / "promo" / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    if forge == "github":
        github.world.seed(REPO, PR, OLD_MARKER + "\n### vidspec plan: 1 to create", by=ACTIONS_BOT)
        env = gh_env(github, repo, GITHUB_SERVER_URL="")  # no server URL: the comment's id
    else:
        body = OLD_MARKER + "\n### vidspec plan"
        gitlab.world.seed("group/videos", PR, body, by=PROJECT_BOT, system=False)
        env = gl_env(gitlab)  # no CI_PROJECT_URL: the note's id
    args = ["-C", str(repo / "videos" / "promo"), "pr", "fingerprint", "--pr", str(PR)]
    code, out, err = cli(*args, env=env)
    assert (code, out) == (0, HEX + "\n"), err
    sign = "#" if forge == "github" else "!"
    assert re.fullmatch(
        rf"Reviewed plan \(\w+ request {sign}7, comment \d+\): fingerprint {HEX[:12]} "
        r"\(an older comment without counts: see it\)\n",
        err,
    ), err
