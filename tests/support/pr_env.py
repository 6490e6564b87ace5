"""A pull request on loopback GitHub and GitLab emulators, and a saved plan to comment with:
the fixtures (``repo``, ``github``, ``gitlab``) and helpers of the ``vidspec pr`` tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forge_emulators import GitHubApi, GitLabApi
from plan_fixtures import CDN, NOW, SCRIPT, desired, state, want

from vidspec.app.review import CommentRequest, comment_on_pr
from vidspec.core.clock import ManualClock
from vidspec.forges.marker import parse_marker
from vidspec.forges.target import ForgeFlags
from vidspec.plan import Plan, SavedPlan, write_saved_plan
from vidspec.plan.planner import plan
from vidspec.state import ProviderRef

REPO = "acme/videos"
PR = 7
WRITE, READ = "ghs_writeToken0123456789", "ghs_readToken0123456789"


def make_plan(count: int, name: str = "V", script: str = SCRIPT) -> Plan:
    videos = [
        want(f"video-{i:05d}", {"video_name": f"{name}{i}", "script": script}) for i in range(count)
    ]
    return plan(desired(*videos), state(), [], None, CDN, NOW)


def save(path: Path, the_plan: Plan) -> Path:
    saved = SavedPlan(
        plan=the_plan,
        lineage=None,
        serial=0,
        provider=ProviderRef("cdnvideo", "acme"),
        remote_fingerprint=None,
        created_at=NOW,
    )
    write_saved_plan(path, saved)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def github() -> Iterator[GitHubApi]:
    with GitHubApi() as api:
        api.world.tokens.update({WRITE: "write", READ: "read"})
        api.world.add_request(REPO, PR)
        yield api  # type: ignore[misc]


@pytest.fixture
def gitlab() -> Iterator[GitLabApi]:
    with GitLabApi() as api:
        api.world.tokens.update({WRITE: "write", READ: "read"})
        api.project_ids["42"] = "group/videos"
        api.world.add_request("group/videos", PR)
        yield api  # type: ignore[misc]


def gh_env(api: GitHubApi, tmp_path: Path, **extra: str) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": PR}}), encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": api.url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": WRITE,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "991",
    }
    env.update(extra)
    return env


def gl_env(api: GitLabApi, **extra: str) -> dict[str, str]:
    env = {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": api.url,
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": str(PR),
        "GITLAB_TOKEN": WRITE,
        "CI_JOB_URL": "https://gitlab.example.com/group/videos/-/jobs/5",
    }
    env.update(extra)
    return env


def post(
    root: Path,
    planfile: Path,
    env: dict[str, str],
    clock: ManualClock | None = None,
    **request: Any,
) -> Any:
    return comment_on_pr(
        root,
        CommentRequest(plan_file=planfile, **request),
        ForgeFlags(),
        env,
        clock or ManualClock(NOW),
    )


def ours(bodies: list[str]) -> list[str]:
    return [b for b in bodies if parse_marker(b) is not None]
