"""Which forge, repository and PR to talk to: the CI environment, each part overridable by a
flag, and the token from the environment only.

GitHub Actions (``GITHUB_ACTIONS=true``): ``GITHUB_API_URL`` (default https://api.github.com),
``GITHUB_REPOSITORY``, the PR number from the event file at ``GITHUB_EVENT_PATH``, the token
from ``GITHUB_TOKEN``, the run's URL from ``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``/
``GITHUB_RUN_ID``. GitLab CI (``GITLAB_CI=true``): ``CI_API_V4_URL``, ``CI_PROJECT_ID``,
``CI_MERGE_REQUEST_IID``, the token from ``GITLAB_TOKEN``, the job's URL from ``CI_JOB_URL``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidspec.core.errors import ForgeError, UsageError
from vidspec.core.escape import escape_text
from vidspec.forges.github import DEFAULT_API_URL
from vidspec.forges.transport import check_api_url

FORGES = ("github", "gitlab")
TOKEN_VARIABLES = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}
_EVENT_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ForgeFlags:
    """``--forge``, ``--repo``, ``--pr``, ``--api-url``, ``--token-env``, ``--comment-author``
    as given (or None)."""

    forge: str | None = None
    repo: str | None = None
    pr: int | None = None
    api_url: str | None = None
    token_env: str | None = None
    comment_author: str | None = None
    """The login vidspec's comments are by, when the forge cannot tell (``forges.sticky``)."""


@dataclass(frozen=True)
class ForgeTarget:
    """Where the comment goes. ``number`` is None when the PR is not known (``--commit``)."""

    forge: str
    api_url: str
    repo: str
    number: int | None
    token_env: str
    run_url: str | None = None
    commit: str | None = None
    """The commit the CI planned: the pull request's head (GitHub's event, GitLab's
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA), else GITHUB_SHA / CI_COMMIT_SHA."""
    commit_url: str | None = None

    @property
    def noun(self) -> str:
        return "pull request" if self.forge == "github" else "merge request"


def detect_forge(flags: ForgeFlags, environ: Mapping[str, str]) -> str:
    if flags.forge:
        return flags.forge
    if environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    if environ.get("GITLAB_CI") == "true":
        return "gitlab"
    raise UsageError(
        "cannot tell which forge to comment on: neither GITHUB_ACTIONS nor GITLAB_CI is set",
        "Run this in GitHub Actions or GitLab CI, or pass --forge github|gitlab with --repo "
        "and --pr.",
    )


def resolve_target(
    flags: ForgeFlags, environ: Mapping[str, str], *, need_number: bool = True
) -> ForgeTarget:
    """The forge target from the flags, else the CI variables; ``UsageError`` names what is
    missing and the variable or flag that would give it."""
    forge = detect_forge(flags, environ)
    if forge == "github":
        api = flags.api_url or environ.get("GITHUB_API_URL") or DEFAULT_API_URL
        repo = flags.repo or environ.get("GITHUB_REPOSITORY")
        number = flags.pr if flags.pr is not None else _github_pr(environ) if need_number else None
        run_url = _github_run_url(environ)
        commit = _sha(_github_head(environ) or environ.get("GITHUB_SHA"))
        server = environ.get("GITHUB_SERVER_URL", "").rstrip("/")
        commit_url = f"{server}/{repo}/commit/{commit}" if commit and server and repo else None
        repo_source, pr_source = "GITHUB_REPOSITORY", "the pull_request event (GITHUB_EVENT_PATH)"
    else:
        api = flags.api_url or environ.get("CI_API_V4_URL") or ""
        repo = flags.repo or environ.get("CI_PROJECT_ID")
        number = flags.pr if flags.pr is not None else _int(environ.get("CI_MERGE_REQUEST_IID"))
        run_url = environ.get("CI_JOB_URL") or environ.get("CI_PIPELINE_URL") or None
        commit = _sha(
            environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or environ.get("CI_COMMIT_SHA")
        )
        project_url = environ.get("CI_PROJECT_URL", "").rstrip("/")
        commit_url = f"{project_url}/-/commit/{commit}" if commit and project_url else None
        repo_source, pr_source = "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID (a merge-request pipeline)"
        if not api:
            raise UsageError(
                "no GitLab API URL: CI_API_V4_URL is not set",
                "Pass --api-url https://gitlab.example.com/api/v4.",
            )
    if not repo:
        raise UsageError(f"no repository: {repo_source} is not set", "Pass --repo.")
    if need_number and number is None:
        raise UsageError(
            f"no {'pull' if forge == 'github' else 'merge'} request number from {pr_source}",
            "Run this on a pull_request (GitHub) or merge_request_event (GitLab) pipeline, or "
            "pass --pr N.",
        )
    return ForgeTarget(
        forge=forge,
        api_url=check_api_url(api, "--api-url"),
        repo=repo,
        number=number,
        token_env=flags.token_env or TOKEN_VARIABLES[forge],
        run_url=run_url,
        commit=commit,
        commit_url=commit_url,
    )


def comment_url(
    target: ForgeTarget, number: int, comment_id: str, environ: Mapping[str, str]
) -> str:
    """The comment's web address, from the CI's server URL (the API does not say it in a form
    both forges share); ``comment ID`` when the CI variables do not give it."""
    cid = escape_text(comment_id)
    if target.forge == "github" and environ.get("GITHUB_SERVER_URL"):
        server = environ["GITHUB_SERVER_URL"].rstrip("/")
        return f"{server}/{target.repo}/pull/{number}#issuecomment-{cid}"
    project_url = environ.get("CI_PROJECT_URL")
    same_project = target.repo in (environ.get("CI_PROJECT_ID"), environ.get("CI_PROJECT_PATH"))
    if target.forge == "gitlab" and project_url and same_project:
        return f"{project_url.rstrip('/')}/-/merge_requests/{number}#note_{cid}"
    return f"comment {cid}"


def read_token(target: ForgeTarget, environ: Mapping[str, str]) -> str:
    """The token, from the environment only; never printed."""
    token = environ.get(target.token_env, "").strip()
    if not token:
        step = (
            "On GitHub Actions: `env: GITHUB_TOKEN: ${{ github.token }}` on the step, with "
            "`permissions: pull-requests: write`."
            if target.forge == "github"
            else "On GitLab: a project access token (scope `api`) in a masked CI/CD variable "
            "GITLAB_TOKEN."
        )
        raise ForgeError(
            f"no token for {target.api_url}: {target.token_env} is not set",
            f"{step} Another variable can be named with --token-env NAME.",
        )
    return token


def _github_event(environ: Mapping[str, str]) -> dict[str, Any] | None:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        with Path(path).open("rb") as handle:
            event: Any = json.loads(handle.read(_EVENT_MAX_BYTES))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot read the GitHub event file {path} ({exc})", "Pass --pr N."
        ) from exc
    return event if isinstance(event, dict) else None


def _github_head(environ: Mapping[str, str]) -> str | None:
    """The pull request's head commit (GITHUB_SHA is the merge of it into the base)."""
    pull = (_github_event(environ) or {}).get("pull_request")
    head = pull.get("head") if isinstance(pull, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    return sha if isinstance(sha, str) else None


def _sha(value: str | None) -> str | None:
    """A commit id as the CI gives it (7 to 64 hex digits), else ``None``."""
    text = (value or "").strip().lower()
    return text if 7 <= len(text) <= 64 and all(c in "0123456789abcdef" for c in text) else None


def _github_pr(environ: Mapping[str, str]) -> int | None:
    event = _github_event(environ)
    if event is None:
        return None
    pull = event.get("pull_request")
    if isinstance(pull, dict) and isinstance(pull.get("number"), int):
        return int(pull["number"])
    issue = event.get("issue")
    if isinstance(issue, dict) and "pull_request" in issue and isinstance(issue.get("number"), int):
        return int(issue["number"])
    return None


def _github_run_url(environ: Mapping[str, str]) -> str | None:
    server, repo, run = (
        environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repo and run:
        return f"{server.rstrip('/')}/{repo}/actions/runs/{run}"
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
