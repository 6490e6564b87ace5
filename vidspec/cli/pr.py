"""``vidspec pr comment PLANFILE`` and ``vidspec pr fingerprint``: the plan as one sticky
comment per project on the pull/merge request, and the fingerprint reviewed there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from vidspec.app.review import (
    AppliedRequest,
    CommentRequest,
    comment_applied,
    comment_on_pr,
    reviewed_fingerprint,
)
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory
from vidspec.core.errors import UsageError
from vidspec.core.escape import escape_text
from vidspec.forges.sticky import BEHAVIORS
from vidspec.forges.target import FORGES, ForgeFlags
from vidspec.project.config import find_project_file
from vidspec.render.rows import summary_line

"""Where the rate-limit waits sleep (tests substitute a ``ManualClock``)."""

_SIGN = {"github": "#", "gitlab": "!"}


def forge_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--forge``, ``--repo``, ``--api-url``, ``--token-env``, ``--comment-author`` (both
    subcommands)."""
    for option in reversed(
        (
            click.option(
                "--forge", type=click.Choice(FORGES), help="Default: from GITHUB_ACTIONS/GITLAB_CI."
            ),
            click.option(
                "--repo",
                metavar="REPO",
                help="OWNER/NAME (GitHub) or project id/path (GitLab). "
                "Default: GITHUB_REPOSITORY / CI_PROJECT_ID.",
            ),
            click.option(
                "--api-url",
                metavar="URL",
                help="Default: GITHUB_API_URL (else https://api.github.com) / CI_API_V4_URL.",
            ),
            click.option(
                "--token-env",
                metavar="NAME",
                help="The variable holding the token (default GITHUB_TOKEN / GITLAB_TOKEN).",
            ),
            click.option(
                "--comment-author",
                metavar="LOGIN",
                help="The user vidspec's comments are by; only its comments are read, edited "
                "or deleted. Default: the token's user (GET /user), else github-actions[bot].",
            ),
        )
    ):
        function = option(function)
    return function


def _root(ctx: click.Context) -> Path:
    return find_project_file(global_options(ctx).directory).parent


@click.group("pr")
def command() -> None:
    """Post the plan on the pull/merge request; read back the reviewed fingerprint."""


@command.command("comment")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--applied",
    metavar="EVENTS",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add the result of an apply (its `vidspec apply --json` output) to the plan comment "
    "of the pull request it merged, instead of posting a plan.",
)
@click.option(
    "--commit",
    metavar="SHA",
    help="With --applied: the PR/MR merged as (or containing) this commit.",
)
@click.option(
    "--behavior",
    type=click.Choice(BEHAVIORS),
    default="update",
    show_default=True,
    help="update: edit this project's comment in place; new: always add one; "
    "delete-and-new: delete it and add one at the bottom.",
)
@click.option(
    "--skip-no-changes",
    is_flag=True,
    help="Post nothing for an empty plan (an existing comment is still updated).",
)
@click.option("--pr", type=click.IntRange(min=1), metavar="N", help="PR / MR number.")
@forge_options
@click.pass_context
def comment(
    ctx: click.Context,
    planfile: Path | None,
    applied: Path | None,
    commit: str | None,
    behavior: str,
    skip_no_changes: bool,
    pr: int | None,
    forge: str | None,
    repo: str | None,
    api_url: str | None,
    token_env: str | None,
    comment_author: str | None,
) -> None:
    """Post PLANFILE (from `vidspec plan -o`) as this project's sticky PR/MR comment, or add
    an apply's result to it (--applied EVENTS)."""
    directory = global_options(ctx).directory
    flags = _flags(forge, repo, pr, api_url, token_env, comment_author)
    if (planfile is None) == (applied is None):
        raise UsageError(
            "pass a PLANFILE or --applied EVENTS",
            "vidspec pr comment plan.bin posts the plan (the plan job); vidspec pr comment "
            "--applied events.ndjson adds the apply's result to it (the apply job).",
        )
    if applied is not None:
        _applied(ctx, in_directory(directory, applied), str(applied), commit, flags)
        return
    assert planfile is not None
    if commit is not None:
        raise UsageError("--commit goes with --applied", "A plan is posted on --pr N or the CI's.")
    request = CommentRequest(
        plan_file=in_directory(directory, planfile),
        behavior=behavior,
        skip_no_changes=skip_no_changes,
    )
    outcome = comment_on_pr(
        _root(ctx), request, flags, global_options(ctx).environ, global_options(ctx).clock
    )
    target, result = outcome.target, outcome.result
    _warn(outcome.warnings)
    where = f"{target.noun} {_SIGN[target.forge]}{target.number} in {target.repo}"
    if result.outcome == "skipped":
        click.echo(f"No changes: nothing posted on {where}.", err=True)
        return
    did = {"created": "Posted", "updated": "Updated", "replaced": "Replaced"}[result.outcome]
    click.echo(
        f"{did} the plan comment of project {outcome.project} on {where} "
        f"(fingerprint {outcome.fingerprint[:12]}).",
        err=True,
    )


def _applied(
    ctx: click.Context, path: Path, shown: str, commit: str | None, flags: ForgeFlags
) -> None:
    if flags.pr is not None and commit is not None:
        raise UsageError("--pr and --commit cannot be combined", "Pass one of them.")
    request = AppliedRequest(events=path, shown=shown, commit=commit)
    world = global_options(ctx)
    outcome, run = comment_applied(_root(ctx), request, flags, world.environ, world.clock)
    _warn(outcome.warnings)
    target = outcome.target
    where = f"{target.noun} {_SIGN[target.forge]}{target.number} in {target.repo}"
    click.echo(
        f"Added the apply's result ({escape_text(run.message) or 'no summary'}) to the plan "
        f"comment of project {outcome.project} on {where}.",
        err=True,
    )


@command.command("fingerprint")
@click.option("--pr", type=click.IntRange(min=1), metavar="N", help="PR / MR number.")
@click.option("--commit", metavar="SHA", help="The PR/MR merged as (or containing) this commit.")
@forge_options
@click.pass_context
def fingerprint(
    ctx: click.Context,
    pr: int | None,
    commit: str | None,
    forge: str | None,
    repo: str | None,
    api_url: str | None,
    token_env: str | None,
    comment_author: str | None,
) -> None:
    """Print the plan fingerprint of this project's comment on a PR/MR (for
    `apply --expect-fingerprint`); stdout has the fingerprint alone, stderr the reviewed
    plan's summary."""
    if pr is not None and commit is not None:
        raise UsageError("--pr and --commit cannot be combined", "Pass one of them.")
    if commit is not None and not commit.strip():
        raise UsageError("--commit is empty", "Pass a commit SHA (GITHUB_SHA, CI_COMMIT_SHA).")
    flags = _flags(forge, repo, pr, api_url, token_env, comment_author)
    found = reviewed_fingerprint(
        _root(ctx), flags, global_options(ctx).environ, global_options(ctx).clock, commit=commit
    )
    _warn(found.warnings)
    click.echo(found.fingerprint)
    # stderr: `$(vidspec pr fingerprint ...)` takes stdout alone, and the job log shows this
    # line, the reviewed side of the comparison `apply --expect-fingerprint` makes.
    summary = (
        summary_line(dict(found.summary))
        if found.summary is not None
        else f"fingerprint {found.fingerprint[:12]} (an older comment without counts: see it)"
    )
    click.echo(f"Reviewed plan ({found.where}): {summary}", err=True)


def _flags(
    forge: str | None,
    repo: str | None,
    pr: int | None,
    api_url: str | None,
    token_env: str | None,
    comment_author: str | None,
) -> ForgeFlags:
    if comment_author is not None and not comment_author.strip():
        raise UsageError("--comment-author is empty", "Pass the login vidspec posts as.")
    return ForgeFlags(
        forge=forge,
        repo=repo,
        pr=pr,
        api_url=api_url,
        token_env=token_env,
        comment_author=comment_author.strip() if comment_author else None,
    )


def _warn(lines: tuple[str, ...]) -> None:
    for line in lines:
        click.echo(f"Warning: {line}", err=True)
