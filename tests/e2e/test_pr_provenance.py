"""The plan comment names what it planned (issue 25 section 3): the commit (short, linked),
the CI run's link and the time the plan was made, so a reviewer sees whether it covers the
latest push; on the GitHub and GitLab emulators over loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pr_env
from forge_emulators import GitHubApi, GitLabApi
from plan_fixtures import NOW
from pr_env import PR, REPO, gh_env, gl_env, make_plan, post, save

HEAD = "0123456789abcdef0123456789abcdef01234567"
MERGE = "fedcba9876543210fedcba9876543210fedcba98"


# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab


def test_github_names_the_pull_request_head_the_run_and_the_time(
    github: GitHubApi, repo: Path
) -> None:
    env = gh_env(github, repo, GITHUB_SHA=MERGE)  # GITHUB_SHA: the merge, not what was pushed
    event = {"pull_request": {"number": PR, "head": {"sha": HEAD}}}
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event), encoding="utf-8")
    post(repo, save(repo / "plan.json", make_plan(2)), env)
    (body,) = github.world.bodies(REPO, PR)
    line = body.splitlines()[1]
    assert line == (
        "<sub>vidspec project: the repository root · planned "
        f"[`0123456`](https://github.com/acme/videos/commit/{HEAD}) at "
        f"{NOW:%Y-%m-%d %H:%M} UTC · [CI run](https://github.com/acme/videos/actions/runs/991)"
        "</sub>"
    )


def test_gitlab_names_the_source_branch_commit(gitlab: GitLabApi, repo: Path) -> None:
    env = gl_env(
        gitlab,
        CI_COMMIT_SHA=MERGE,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=HEAD,
        CI_PROJECT_URL="https://gitlab.example.com/group/videos",
    )
    post(repo, save(repo / "plan.json", make_plan(1)), env)
    (body,) = gitlab.world.bodies("group/videos", PR)
    assert f"[`0123456`](https://gitlab.example.com/group/videos/-/commit/{HEAD})" in body
    assert "[CI run](https://gitlab.example.com/group/videos/-/jobs/5)" in body


def test_a_commit_that_is_not_hex_is_left_out(github: GitHubApi, repo: Path) -> None:
    env = gh_env(github, repo, GITHUB_SHA="](javascript:alert(1))")
    post(repo, save(repo / "plan.json", make_plan(1)), env)
    (body,) = github.world.bodies(REPO, PR)
    assert "javascript" not in body and "planned " in body  # the time alone
