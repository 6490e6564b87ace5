"""The flows of ``vidspec pr comment`` and ``vidspec pr fingerprint``: a saved plan as the
project's sticky PR/MR comment, and the fingerprint a reviewer saw, read back from it.

The project's name in the marker is its directory relative to the git root (``.`` at the
root), so several projects in one repository keep one comment each. Only comments by the
identity vidspec posts as count (``forges.sticky``); forge calls keep the project's bounds
(``safety.max_wait``, ``safety.request_deadline``), like the provider's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

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
from vidspec.render.applied import AppliedRun, applied_markdown, applied_run
from vidspec.render.comment import Provenance, comment_body, comment_with_result
from vidspec.render.events import UI_VERSION
from vidspec.render.markdown import MAX_CHARS, render_markdown

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
    made = Provenance(target.commit, target.commit_url, target.run_url, saved.created_at)
    body = comment_body(plan, project, whole_plan_at=target.run_url, provenance=made)
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


MAX_EVENTS_BYTES = 1 << 30  # a stream of 3,000 videos is a few MB; a GiB is not a stream


@dataclass(frozen=True)
class AppliedRequest:
    """``pr comment --applied EVENTS``: the stream's file (and its name as given), and the
    commit the pull request was merged as (``None``: ``--pr`` or the CI's)."""

    events: Path
    shown: str
    commit: str | None = None


def comment_applied(
    root: Path,
    request: AppliedRequest,
    flags: ForgeFlags,
    environ: Mapping[str, str],
    clock: Clock,
) -> tuple[CommentOutcome, AppliedRun]:
    """Add an apply's result (its ``--json`` events) to the project's sticky comment on the
    pull request it merged, and to GitHub's step summary."""
    run = applied_run(read_events(request.events, request.shown))
    target = resolve_target(flags, environ, need_number=request.commit is None)
    if target.forge == "github":
        append_step_summary(applied_markdown(run, limit=MAX_CHARS, run_url=target.run_url), environ)
    token = read_token(target, environ)
    project = project_name(root)
    forge, max_wait = _open(root, target, token, clock)
    try:
        commit = request.commit
        number = target.number if commit is None else _merged_as(forge, target, commit)
        assert number is not None  # resolve_target insists on it without a commit
        sticky = Sticky(
            forge, number, project, clock, author=flags.comment_author, max_wait=max_wait
        )
        result = _settled(
            lambda: sticky.amend(
                lambda body: comment_with_result(body, run, run_url=target.run_url)
            ),
            target,
        )
    finally:
        forge.close()
    warnings = forged_warnings(result.ignored, result.author, _where(target, number))
    if result.outcome == "skipped":
        raise ForgeError(
            f"{_where(target, number)} in {target.repo} has no vidspec plan comment for "
            f"project {project} by {result.author} to add the result to"
            + "".join(f"\n  Warning: {line}" for line in warnings),
            "Post the plan from the plan job (vidspec pr comment PLANFILE); the apply's result "
            "is also in the job's step summary and its log.",
        )
    return CommentOutcome(replace(target, number=number), project, result, "", True, warnings), run


def read_events(path: Path, shown: str) -> Iterator[dict[str, Any]]:
    """The events of ``apply --json`` in ``path``, one JSON object a line, checked to be a
    stream of this ui major version; a clear error at ``FILE:LINE`` otherwise."""
    hint = (
        "Pass the stdout of `vidspec apply --json` alone (its stderr to another file: "
        "`vidspec apply --json --auto-approve > events.ndjson 2> apply.log`)."
    )
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror or exc}", hint) from exc
    with handle:
        size, first = 0, True
        for number, raw in enumerate(handle, 1):
            size += len(raw)
            if size > MAX_EVENTS_BYTES:
                raise UsageError(f"{shown} is over {MAX_EVENTS_BYTES:,} bytes", hint)
            if not raw.strip():
                continue
            try:
                event = json.loads(raw)
            except ValueError as exc:
                raise UsageError(f"{shown}:{number}: not a JSON event ({exc})", hint) from exc
            if not isinstance(event, dict):
                raise UsageError(f"{shown}:{number}: not a JSON object", hint)
            if first:
                _check_version(event, f"{shown}:{number}", hint)
                first = False
            yield event
    if first:
        raise UsageError(f"{shown} holds no events", hint)


def _check_version(event: Mapping[str, Any], where: str, hint: str) -> None:
    ui = event.get("ui")
    major = UI_VERSION.split(".")[0]
    if event.get("type") != "version" or not isinstance(ui, str):
        raise UsageError(f"{where}: the stream does not open with its version event", hint)
    if ui.split(".")[0] != major:
        raise UsageError(
            f"{where}: events of ui version {escape_text(ui)}; this vidspec reads {major}.x",
            "Comment with the vidspec version that applied.",
        )


def _merged_as(forge: Forge, target: ForgeTarget, commit: str) -> int:
    numbers = _settled(lambda: forge.requests_for_commit(commit), target)
    if not numbers:
        raise ForgeError(
            f"no {target.noun} on {target.api_url} contains commit {escape_text(commit)}",
            "Pass --pr N; an apply of main run by hand has no pull request (its result is "
            "in the job's step summary and log).",
        )
    return numbers[0]


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
        number = target.number if commit is None else _merged_as(forge, target, commit)
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
