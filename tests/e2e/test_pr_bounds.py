"""Forge calls keep the project's bounds, like the provider's, and their messages name them
(issue 19, item 0): a trickled comment listing ends at ``safety.request_deadline``; a
``Retry-After`` longer than ``safety.max_wait`` ends the call instead of being waited out;
a rate limit that names no wait is waited at most ``max_wait``. Loopback GitHub emulator,
behind the hostile proxy (``tests/support/hostile.py``) for the trickle; waits on a ManualClock."""

from __future__ import annotations

import json
from pathlib import Path

import pr_env
import pytest
from cli_run import Cli
from forge_emulators import Fault, GitHubApi
from hostile import elapsed, serve_hostile, trickle
from plan_fixtures import NOW
from pr_env import PR, REPO, gh_env, make_plan, ours, post, save

from vidspec.core.clock import ManualClock
from vidspec.core.errors import ForgeError

# the forge fixtures: a git repository, the GitHub and GitLab emulators
repo, github, gitlab = pr_env.repo, pr_env.github, pr_env.gitlab

COMMENTS = rf"/repos/{REPO}/issues/{PR}/comments$"


def bounded(root: Path, safety: str) -> None:
    (root / "vidspec.yaml").write_text(f"version: 1\nsafety: {safety}\n", encoding="utf-8")


def test_a_trickled_comment_listing_ends_at_the_request_deadline(
    github: GitHubApi, repo: Path
) -> None:
    bounded(repo, "{request_deadline: 300ms}")
    with serve_hostile(github.url) as hostile:
        body = json.dumps([]).encode() + b" " * 100  # 5 s at one byte every 50 ms
        hostile.add("GET", COMMENTS, trickle(body, every=0.05))
        env = gh_env(github, repo, GITHUB_API_URL=hostile.root_url)
        took, error = elapsed(lambda: post(repo, save(repo / "plan.json", make_plan(1)), env))
    assert isinstance(error, ForgeError), error
    text = str(error)
    host = hostile.root_url.removeprefix("http://")
    assert f"GitHub ({host}) while listing the comments of pull request #7" in text
    assert "did not finish answering within the request deadline (0.3s)" in text
    assert "safety.request_deadline" in text and "Check the network" not in text
    assert took < 3
    assert github.world.bodies(REPO, PR) == []


@pytest.mark.parametrize(
    ("method", "status"), [("POST", 403), ("GET", 429)], ids=["secondary-limit-post", "429-get"]
)
def test_a_retry_after_longer_than_max_wait_ends_the_call(
    github: GitHubApi, repo: Path, method: str, status: int
) -> None:
    bounded(repo, "{max_wait: 1s}")
    github.world.fail_next(
        Fault(method, status, {"message": "secondary rate limit"}, {"Retry-After": "2"})
    )
    clock = ManualClock(NOW)
    start = clock.monotonic()
    with pytest.raises(ForgeError) as caught:
        post(repo, save(repo / "plan.json", make_plan(1)), gh_env(github, repo), clock)
    text = str(caught.value)
    assert "asked to wait 2 s (Retry-After), longer than safety.max_wait (1s)" in text
    assert "raise safety.max_wait in vidspec.yaml" in text
    assert clock.monotonic() == start  # nothing was waited
    assert github.world.bodies(REPO, PR) == []


def test_a_rate_limit_without_retry_after_waits_at_most_max_wait_and_says_so(
    github: GitHubApi, repo: Path, cli: Cli
) -> None:
    bounded(repo, "{max_wait: 5s}")
    github.world.fail_next(
        Fault("POST", 403, {"message": "You have exceeded a secondary rate limit"})
    )
    clock = ManualClock(NOW)
    start = clock.monotonic()
    save(repo / "plan.json", make_plan(1))
    code, _, err = cli(repo, "pr", "comment", "plan.json", env=gh_env(github, repo), clock=clock)
    assert code == 0, err
    assert clock.monotonic() - start == 5  # not GitHub's usual minute: the project allows 5 s
    assert "vidspec: waiting 5 s before retrying POST /repos/acme/videos/issues/7/comments" in err
    assert len(ours(github.world.bodies(REPO, PR))) == 1
