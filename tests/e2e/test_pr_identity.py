"""Only comments by the identity vidspec posts as count (issue 19, item 0): anyone can copy the
marker into a comment of their own, so ``pr fingerprint`` (``--pr`` and ``--commit``) and
``pr comment`` (update, new, delete-and-new) read, edit or delete no comment by anyone else,
and say so in the job log; ``apply --expect-fingerprint "$(vidspec pr fingerprint ...)"``
then applies only the plan vidspec itself posted. Loopback GitHub and GitLab emulators whose
tokens map to users and whose comments have authors, as on the real APIs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pr_env
import pytest
from apply_env import ApplyEnv, make_env, simple_videos
from cli_run import Cli
from forge_emulators import ACTIONS_BOT, PROJECT_BOT, GitHubApi, GitLabApi, User
from pr_env import PR, REPO, WRITE, gh_env, gl_env, make_plan, save

from vidspec.forges.marker import parse_marker
from vidspec.plan import load_saved_plan
from vidspec.render.comment import comment_body

# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab

MALLORY = User("mallory", 666)


@dataclass
class Forge:
    """One emulated forge of a test, and what a job there runs with."""

    name: str
    api: GitHubApi | GitLabApi
    env: dict[str, str]
    repo: str  # the emulator's key of the repository or project
    bot: str  # who a CI token posts as there

    def comments(self) -> list[dict[str, Any]]:
        return self.api.world.comments[(self.repo, PR)]

    def author(self, comment: dict[str, Any]) -> str:
        return str(comment["user"]["login"] if "user" in comment else comment["author"]["username"])

    def forge_marker(self, count: int) -> dict[str, Any]:
        """Mallory's comment: the marker and body of a plan of hers, as vidspec writes it."""
        body = comment_body(make_plan(count, name="Mallory"), ".")
        return self.api.world.seed(self.repo, PR, body, by=MALLORY)


@pytest.fixture(params=["github", "gitlab"])
def forge(
    request: pytest.FixtureRequest, github: GitHubApi, gitlab: GitLabApi, repo: Path
) -> Forge:
    if request.param == "github":
        return Forge("github", github, gh_env(github, repo), REPO, ACTIONS_BOT.login)
    return Forge("gitlab", gitlab, gl_env(gitlab), "group/videos", PROJECT_BOT.login)


def test_fingerprint_ignores_a_newer_forged_marker_by_another_user(
    forge: Forge, repo: Path, cli: Cli
) -> None:
    reviewed = make_plan(1)
    save(repo / "plan.json", reviewed)
    args = ["-C", str(repo), "pr", "comment", "plan.json"]
    code, _, err = cli(*args, env=forge.env)
    assert code == 0, err
    forged = forge.forge_marker(40)
    merged = {"number": PR, "iid": PR, "merged_at": "2026-11-02T10:00:00Z", "state": "merged"}
    forge.api.world.commits[(forge.repo, "abc123")] = [merged]
    for how in (["--pr", str(PR)], ["--commit", "abc123"]):
        args = ["-C", str(repo), "pr", "fingerprint", *how]
        code, out, err = cli(*args, env=forge.env)
        assert (code, out) == (0, reviewed.fingerprint + "\n"), err
        assert f"Warning: ignored comment {forged['id']}" in err
        assert "is by mallory" in err and "--comment-author" in err
        assert "Plan: 1 to create" in err and "40 to create" not in err


def test_fingerprint_of_a_pr_with_only_a_forged_marker_is_none(
    forge: Forge, repo: Path, cli: Cli
) -> None:
    forge.forge_marker(3)
    code, out, err = cli(repo, "pr", "fingerprint", env=forge.env)
    assert (code, out) == (1, ""), err
    assert f"has no vidspec plan comment for project . by {forge.bot}" in err
    assert "is by mallory" in err


@pytest.mark.parametrize("behavior", ["update", "new", "delete-and-new"])
def test_comment_never_edits_or_deletes_a_forged_marker(
    behavior: str, forge: Forge, repo: Path, cli: Cli
) -> None:
    save(repo / "plan.json", make_plan(1))
    args = ["-C", str(repo), "pr", "comment", "plan.json"]
    code, _, err = cli(*args, env=forge.env)
    assert code == 0, err
    (own,) = forge.comments()
    forged = forge.forge_marker(40)
    forged_body = forged["body"]
    save(repo / "plan.json", make_plan(2))
    code, _, err = cli(*args, "--behavior", behavior, env=forge.env)
    assert code == 0, err
    after = forge.comments()
    assert forged in after and forged["body"] == forged_body  # left exactly as it was
    by_vidspec = [c for c in after if forge.author(c) == forge.bot]
    assert len(by_vidspec) == {"update": 1, "new": 2, "delete-and-new": 1}[behavior]
    assert (own in after) == (behavior != "delete-and-new")
    assert "2 to create" in by_vidspec[-1]["body"]
    assert f"Warning: ignored comment {forged['id']}" in err and "is by mallory" in err


def test_comment_next_to_only_a_forged_marker_posts_its_own(
    forge: Forge, repo: Path, cli: Cli
) -> None:
    forged = forge.forge_marker(40)
    save(repo / "plan.json", make_plan(2))
    args = ["-C", str(repo), "pr", "comment", "plan.json"]
    code, _, err = cli(*args, env=forge.env)
    assert code == 0, err
    assert "Posted the plan comment" in err
    first, second = forge.comments()
    assert first == forged and forge.author(second) == forge.bot
    marker = parse_marker(second["body"])
    assert marker is not None and marker.fingerprint == make_plan(2).fingerprint


# --- who vidspec posts as ------------------------------------------------------------------


def test_a_personal_token_is_known_from_get_user(github: GitHubApi, repo: Path, cli: Cli) -> None:
    bot = User("acme-vidspec", 77)
    github.world.tokens["ghp_personal000000000000"] = "write"
    github.world.users["ghp_personal000000000000"] = bot
    env = gh_env(github, repo, GITHUB_TOKEN="ghp_personal000000000000")
    # a marked comment by github-actions[bot] is not this token's: ignored
    stale = github.world.seed(REPO, PR, comment_body(make_plan(5), "."), by=ACTIONS_BOT)
    save(repo / "plan.json", make_plan(1))
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=env)
    assert code == 0, err
    assert "is by github-actions[bot], and vidspec posts as acme-vidspec" in err
    logins = [c["user"]["login"] for c in github.world.comments[(REPO, PR)]]
    assert logins == ["github-actions[bot]", "acme-vidspec"]
    assert stale["body"] == comment_body(make_plan(5), ".")
    assert [c.path for c in github.world.calls].count("/user") == 1


def test_comment_author_names_an_app_that_cannot_ask_who_it_is(
    cli: Cli, github: GitHubApi, repo: Path
) -> None:
    app = User("acme-vidspec[bot]", 88, bot=True, integration=True)  # GET /user: 403
    github.world.tokens["ghs_app0000000000000000"] = "write"
    github.world.users["ghs_app0000000000000000"] = app
    env = gh_env(github, repo, GITHUB_TOKEN="ghs_app0000000000000000")
    the_plan = make_plan(1)
    github.world.seed(REPO, PR, comment_body(the_plan, "."), by=app)
    fingerprint = ["-C", str(repo), "pr", "fingerprint"]
    # without a name: the Actions bot is assumed, and the app's comment is not trusted
    code, out, err = cli(*fingerprint, env=env)
    assert (code, out) == (1, ""), err
    assert "by github-actions[bot]" in err and "is by acme-vidspec[bot]" in err
    code, out, err = cli(*fingerprint, "--comment-author", "ACME-vidspec[bot]", env=env)
    assert (code, out) == (0, the_plan.fingerprint + "\n"), err  # logins ignore case
    assert "Warning" not in err
    assert [c.path for c in github.world.calls].count("/user") == 1  # named: not asked


def test_gitlab_token_that_may_not_ask_who_it_is_needs_comment_author(
    gitlab: GitLabApi, repo: Path, cli: Cli
) -> None:
    gitlab.world.users[WRITE] = User("ci-robot", 90, integration=True)  # GET /user: 403
    code, out, err = cli(repo, "pr", "fingerprint", env=gl_env(gitlab))
    assert (code, out) == (1, "")
    assert "cannot tell which user the token posts as on 127.0.0.1" in err
    assert "Pass --comment-author USERNAME" in err


# --- the merge job: apply only what vidspec posted -----------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    (tmp_path / ".git").mkdir()
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def test_apply_expect_fingerprint_from_pr_fingerprint_refuses_a_forged_marker(
    project: ApplyEnv, github: GitHubApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in gh_env(github, project.root).items():
        monkeypatch.setenv(key, value)
    videos = simple_videos(1)
    project.write_videos(videos)
    assert project.run("plan", "-o", "plan.json")[0] == 0
    code, _, err = project.run("pr", "comment", "plan.json")
    assert code == 0, err
    # after the review, the author pushes 40 more videos and copies the marker with the hash
    # of the plan that now stands
    project.write_videos({**videos, **simple_videos(40, prefix="extra")})
    code, _, err = project.run("plan", "-o", "now.json")
    assert code == 0, err
    now = load_saved_plan(project.root / "now.json").plan
    github.world.seed(REPO, PR, comment_body(now, "."), by=MALLORY)
    github.world.commits[(REPO, "f00d")] = [{"number": PR, "merged_at": "2026-11-02T10:00:00Z"}]
    code, reviewed, err = project.run("pr", "fingerprint", "--commit", "f00d")
    assert code == 0, err
    code, _, err = project.run("apply", "--auto-approve", "--expect-fingerprint", reviewed.strip())
    assert code == 1
    assert "This is not the plan that was reviewed: nothing was changed." in err
    assert project.live_ids() == set()
