"""The flows of ``vidspec pr comment`` and ``vidspec pr fingerprint``: a saved plan as the
project's sticky PR/MR comment, and the fingerprint a reviewer saw, read back from it.

The project's name in the marker is its directory relative to the git root (``.`` at the
root), so several projects in one repository keep one comment each. Only comments by the
identity vidspec posts as count (``forges.sticky``); forge calls keep the project's bounds
(``safety.max_wait``, ``safety.request_deadline``), like the provider's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from vidspec.app.providers import project_policy
from vidspec.core.clock import Clock
from vidspec.core.errors import ForgeError, OutcomeUnknown, RateLimited, UsageError
from vidspec.core.escape import escape_text
from vidspec.forges.base import Comment, Forge
from vidspec.forges.factory import open_forge
from vidspec.forges.sticky import Sticky, StickyResult
from vidspec.forges.target import (
    ForgeFlags,
    ForgeTarget,
    comment_url,
    read_token,
    resolve_target,
)
from vidspec.forges.transport import FORGE_POLICY
from vidspec.plan import load_saved_plan
from vidspec.project.config import load_project
from vidspec.render.comment import comment_body
from vidspec.render.markdown import render_markdown

T = TypeVar("T")


@dataclass(frozen=True)
class CommentRequest:
    plan_file: Path
    behavior: str = "update"
    skip_no_changes: bool = False


@dataclass(frozen=True)
class Reviewed:
    """What ``vidspec pr fingerprint`` found: the reviewed plan's fingerprint and, from
    comments that carry it, its actions per kind; where the comment is."""

    fingerprint: str
    summary: Mapping[str, int] | None
    where: str
    """``pull request #7, https://.../pull/7#issuecomment-1`` (or ``comment 1`` outside CI)."""
    warnings: tuple[str, ...] = ()
    """One per comment with this project's marker by anyone but vidspec: not read."""


@dataclass(frozen=True)
class CommentOutcome:
    target: ForgeTarget
    project: str
    result: StickyResult
    fingerprint: str
    has_changes: bool
    warnings: tuple[str, ...] = ()
    """One per comment with this project's marker by anyone but vidspec: left alone."""


def project_name(root: Path) -> str:
    """The project directory relative to the nearest git root above it (``.`` at the root);
    without a git repository, the directory's own name."""
    root = Path(os.path.abspath(root))
    for parent in (root, *root.parents):
        if (parent / ".git").exists():
            relative = root.relative_to(parent).as_posix()
            return relative or "."
    return root.name or "."


def append_step_summary(markdown: str, environ: Mapping[str, str]) -> bool:
    """Append to ``GITHUB_STEP_SUMMARY`` (GitHub Actions' job summary) when it is set."""
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as exc:
        raise UsageError(
            f"cannot append to GITHUB_STEP_SUMMARY ({path}): {exc.strerror or exc}"
        ) from exc
    return True


def comment_on_pr(
    root: Path,
    request: CommentRequest,
    flags: ForgeFlags,
    environ: Mapping[str, str],
    clock: Clock,
) -> CommentOutcome:
    """Post (or update, or skip) the saved plan as the project's sticky comment."""
    saved = load_saved_plan(request.plan_file)
    target = resolve_target(flags, environ)
    assert target.number is not None  # resolve_target insists on it here
    token = read_token(target, environ)
    project = project_name(root)
    plan = saved.plan
    body = comment_body(plan, project, whole_plan_at=target.run_url)
    if target.forge == "github":
        append_step_summary(render_markdown(plan, whole_plan_at=target.run_url), environ)
    forge, max_wait = _open(root, target, token, clock)
    try:
        sticky = Sticky(
            forge, target.number, project, clock, author=flags.comment_author, max_wait=max_wait
        )
        skip = request.skip_no_changes and plan.converged  # an unconfirmed create is news
        result = _settled(lambda: sticky.post(body, behavior=request.behavior, skip=skip), target)
    finally:
        forge.close()
    warnings = forged_warnings(result.ignored, result.author, _where(target, target.number))
    return CommentOutcome(target, project, result, plan.fingerprint, plan.has_changes, warnings)


def reviewed_fingerprint(
    root: Path,
    flags: ForgeFlags,
    environ: Mapping[str, str],
    clock: Clock,
    *,
    commit: str | None = None,
) -> Reviewed:
    """The fingerprint (and summary) in the project's sticky comment on the PR (``flags.pr``
    or the CI's), or on the PR merged as ``commit``."""
    target = resolve_target(flags, environ, need_number=commit is None)
    token = read_token(target, environ)
    project = project_name(root)
    forge, max_wait = _open(root, target, token, clock)
    try:
        number = target.number
        if commit is not None:
            numbers = _settled(lambda: forge.requests_for_commit(commit), target)
            if not numbers:
                raise ForgeError(
                    f"no {target.noun} on {target.api_url} contains commit {commit}",
                    "Pass --pr N, or apply with a reviewed plan another way.",
                )
            number = numbers[0]
        assert number is not None
        sticky = Sticky(
            forge, number, project, clock, author=flags.comment_author, max_wait=max_wait
        )
        reviewed = _settled(sticky.reviewed, target)
    finally:
        forge.close()
    warnings = forged_warnings(reviewed.ignored, reviewed.author, _where(target, number))
    if reviewed.found is None:
        raise ForgeError(
            f"{_where(target, number)} in {target.repo} has no vidspec plan comment for "
            f"project {project} by {reviewed.author}"
            + "".join(f"\n  Warning: {line}" for line in warnings),
            "Post one from the plan job (vidspec pr comment PLANFILE) before applying; if "
            "vidspec posts as another user there, name it with --comment-author.",
        )
    comment, marker = reviewed.found
    where = f"{_where(target, number)}, {comment_url(target, number, comment.id, environ)}"
    return Reviewed(marker.fingerprint, marker.summary, where, warnings)


def _open(root: Path, target: ForgeTarget, token: str, clock: Clock) -> tuple[Forge, float]:
    """The forge's client within the project's bounds (``safety.request_deadline``,
    ``safety.max_wait``, read through the providers' policy), and that ``max_wait``."""
    policy = project_policy(load_project(root), FORGE_POLICY)
    return open_forge(target, token, clock, policy), policy.max_wait


def forged_warnings(ignored: tuple[Comment, ...], author: str, where: str) -> tuple[str, ...]:
    """One line per marked comment by someone other than ``author``, for the job log: anyone
    can copy the marker, so such a comment was neither read nor edited nor deleted."""
    return tuple(
        f"ignored comment {escape_text(c.id)} on {where}: it carries vidspec's marker for this "
        f"project but is by {escape_text(c.author or 'an unknown user')}, and vidspec posts as "
        f"{escape_text(author)}; only its own comments are read, edited or deleted (if vidspec "
        "posts as another user, name it with --comment-author)"
        for c in ignored
    )


def _where(target: ForgeTarget, number: int | None) -> str:
    """``pull request #7`` or ``merge request !7``."""
    return f"{target.noun} {'#' if target.forge == 'github' else '!'}{number}"


def _settled(call: Callable[[], T], target: ForgeTarget) -> T:
    """Run a forge call; a rate limit or lost answer still there after the retries becomes a
    ``ForgeError`` naming the host."""
    try:
        return call()
    except RateLimited as exc:
        raise ForgeError(
            f"{target.api_url} kept answering with a rate limit ({exc.method} {exc.path} -> "
            f"HTTP {exc.status}), also after waiting",
            "Run the job again later; many jobs commenting at once hit GitHub's secondary "
            "rate limit.",
        ) from exc
    except OutcomeUnknown as exc:
        raise ForgeError(
            f"{target.api_url} failed while commenting ({exc.method} {exc.path} -> "
            f"HTTP {exc.status}); no comment of this project showed up after it",
            "Run the job again: vidspec finds its comment by its marker, never posting two.",
        ) from exc
