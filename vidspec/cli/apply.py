"""``vidspec apply [PLANFILE]``: make the videos match the manifests, as the plan shows.

Without PLANFILE: take the lock, plan, show the plan, ask for ``yes`` (unless
``--auto-approve``; the answer may come from a pipe, the end of input is a no), then apply.
With PLANFILE (from ``vidspec plan -o``): no question; the file is applied exactly, or refused
as stale. ``run_apply`` is shared with ``vidspec destroy``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import click

from vidspec.app.apply import ApplyRequest, apply_session
from vidspec.app.catalog_cache import catalog_names
from vidspec.app.vocabulary import EngineOptions, Plan
from vidspec.cli.apply_view import ApplyView, HumanView, JsonView, json_option
from vidspec.cli.confirm import Question, confirm
from vidspec.cli.context import GlobalOptions, global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.core.clock import Clock
from vidspec.core.errors import ApplyFailed, Interrupted, PlanError, UsageError, VidspecError
from vidspec.project.config import load_project
from vidspec.render.rows import plan_rows

REFUSED_WAY_OUT = (
    "Before the merge: push again (or re-run the plan job) so the comment shows the plan as it "
    "is now, review it, and merge that. After the merge, pushing to the pull request changes "
    "nothing: plan and apply main through the manual workflow instead (GitHub: run "
    "'vidspec apply main' from the Actions tab, examples/github/vidspec-apply-main.yml, and a "
    "reviewer of its environment approves the plan it shows; GitLab: the manual "
    "vidspec-apply-main job of a pipeline on main, examples/gitlab/.gitlab-ci.yml)."
)

APPLY_QUESTION = "Do you want to perform these actions? Only 'yes' will be accepted."


@dataclass(frozen=True)
class Confirmation:
    """How a command asks before acting: the question, and whether to skip it."""

    question: str
    auto_approve: bool
    expect_fingerprint: str | None = None
    """The reviewed plan's fingerprint (a prefix, as given: ``run_apply`` checks it): apply
    only that plan, else change nothing."""


def run_apply(
    options: GlobalOptions,
    request: ApplyRequest,
    confirm: Confirmation,
    *,
    json_events: bool = False,
) -> int:
    """``_apply`` shown for a person, or as ``--json`` events (a failure too)."""
    clock = options.clock
    view: ApplyView = (
        JsonView(clock, destroy=request.destroy) if json_events else HumanView(color=options.color)
    )
    try:
        expected = fingerprint_prefix(confirm.expect_fingerprint)  # a bad one: a diagnostic too
        confirm = dataclasses.replace(confirm, expect_fingerprint=expected)
        if json_events and request.plan_file is None and not confirm.auto_approve:
            raise UsageError(
                "--json needs --auto-approve or a plan file: a stream of events cannot ask "
                "for approval",
                "Pass --auto-approve, or review a saved plan (vidspec plan -o plan.bin) and "
                "run vidspec apply --json plan.bin.",
            )
        return _apply(options, request, confirm, view, clock)
    except VidspecError as exc:
        view.failed(exc)
        raise


def _apply(
    options: GlobalOptions,
    request: ApplyRequest,
    confirm: Confirmation,
    view: ApplyView,
    clock: Clock,
) -> int:
    """Plan (or load the plan file), show, confirm, apply, and show the results."""
    word = "destroy" if request.destroy else "apply"
    if request.plan_file is not None and (request.targets or request.replace):
        raise UsageError(
            "--target and --replace cannot be combined with a plan file",
            "The plan file already says what to do; plan again with them: "
            "vidspec plan --target ADDR -o FILE.",
        )
    project = load_project(options.directory)
    with apply_session(
        project, command=request.command, lock_timeout=request.lock_timeout, clock=clock
    ) as session:
        if request.plan_file is not None:
            shown = str(request.plan_file)
            work = session.load(in_directory(options.directory, request.plan_file), shown)
        else:
            work = session.plan(request)
        if confirm.expect_fingerprint is not None:  # before the plan: a refusal leads with it
            check_fingerprint(work.plan, confirm.expect_fingerprint, view)
        if request.plan_file is not None and work.plan.has_changes:
            view.saved_plan(work.plan, shown)
        else:
            view.plan(work.plan, catalog_names(project))  # Vidnoz: names beside ids
        if not work.has_work:
            view.no_work()
            return 0
        session.check(work, force=request.force)
        if request.plan_file is None and not confirm.auto_approve:
            _ask(confirm.question, word)
        stop = threading.Event()
        with _stop_on_interrupt(stop, word):
            results = session.execute(
                work, options=request.engine, reporter=view.reporter(), stop=stop
            )
    view.results(results)
    if results.state_error is not None:  # the table says what was sent; this, why it stopped
        raise results.state_error
    if results.interrupted:
        raise Interrupted(
            f"{word.capitalize()} interrupted; everything sent was recorded in the state.",
            "Run vidspec plan to see what is left (videos still generating are shown, not "
            "created again).",
        )
    if results.failed:
        count = len(results.failed)
        raise ApplyFailed(
            f"{count} action{'s' if count != 1 else ''} failed (see the table above).",
            "Fix what the table says and run vidspec apply again: the next plan is exactly "
            "what is left.",
        )
    return 0


def check_fingerprint(plan: Plan, expected: str, view: ApplyView) -> None:
    """Refuse (``PlanError``) a plan whose fingerprint does not start with ``expected``.

    The refusal prints, in this order: the reviewed fingerprint, the current one, the current
    plan's summary and cost, then what differs: the current plan in full. Apply knows only the
    reviewed plan's hash; its summary is the "Reviewed plan" line `vidspec pr fingerprint`
    printed on stderr just before, in the same job log (and the comment itself)."""
    if plan.fingerprint.startswith(expected):
        click.echo(f"The plan's fingerprint matches the reviewed one ({expected[:12]}).", err=True)
        return
    now = plan_rows(plan)
    click.echo(
        "This is not the plan that was reviewed: nothing was changed.\n"
        f'  Reviewed: fingerprint {expected[:12]} (its summary: the "Reviewed plan" line of '
        "`vidspec pr fingerprint` above, and the plan comment on the pull request)\n"
        f"  Now:      fingerprint {plan.fingerprint[:12]}: {now.summary_line}\n"
        f"            {now.cost_line}\n"
        "  What differs: the actions below (the plan as it stands now) are not the ones "
        "reviewed; the manifests, the state or the videos in the account changed since.\n",
        err=True,
    )
    view.plan(plan)
    raise PlanError(
        f"the plan (fingerprint {plan.fingerprint[:12]}) is not the reviewed one "
        f"({expected[:12]}): nothing was changed.",
        REFUSED_WAY_OUT,
    )


def fingerprint_prefix(value: str | None) -> str | None:
    """``--expect-fingerprint``: 12 to 64 hex characters, lowercased."""
    if value is None:
        return None
    text = value.strip().lower()
    if not 12 <= len(text) <= 64 or any(c not in "0123456789abcdef" for c in text):
        raise UsageError(
            f"--expect-fingerprint {value!r} is not a plan fingerprint",
            "Pass at least its first 12 hex characters, as `vidspec pr fingerprint` prints "
            "it or the plan's last line shows it (an empty value: no reviewed plan was found).",
        )
    return text


def _ask(question: str, word: str) -> None:
    """``yes`` from stdin, a terminal or a pipe (``echo yes | vidspec apply``), or
    ``Cancelled``; the end of input is a no."""
    saved = "vidspec plan" + (" --destroy" if word == "destroy" else "") + " -o plan.bin"
    instead = (
        f"Pipe one (echo yes | vidspec {word}), pass --auto-approve, or review a saved plan: "
        f"{saved}, then vidspec apply plan.bin."
    )
    confirm(Question(word.capitalize(), question, instead))


@contextlib.contextmanager
def _stop_on_interrupt(stop: threading.Event, word: str) -> Iterator[None]:
    """The first Ctrl-C asks the engine to stop starting calls; a second one stops at once
    (a create being sent then stays recorded as pending: no video is lost or paid twice)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo(
            f"\nInterrupt received: {word} starts nothing new and records what is in flight. "
            f"Press Ctrl-C again to stop at once.",
            err=True,
        )

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command("apply")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--target", multiple=True, metavar="ADDR", help="Only apply to these videos.")
@click.option(
    "--replace", multiple=True, metavar="ADDR", help="Regenerate these videos even if unchanged."
)
@click.option(
    "--no-wait", is_flag=True, help="Submit generations and return; do not wait for them."
)
@click.option("--force", is_flag=True, help="Allow a plan over the safety limits.")
@click.option("--fail-fast", is_flag=True, help="Start nothing new after the first failure.")
@click.option(
    "--expect-fingerprint",
    metavar="HASH",
    help="Apply only if the plan's fingerprint starts with HASH (12+ hex characters): the "
    "plan that was reviewed (`vidspec pr fingerprint`). Otherwise change nothing, exit 1.",
)
@json_option
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context,
    planfile: Path | None,
    auto_approve: bool,
    target: tuple[str, ...],
    replace: tuple[str, ...],
    no_wait: bool,
    force: bool,
    fail_fast: bool,
    expect_fingerprint: str | None,
    json_events: bool,
    lock_timeout: float,
) -> int:
    """Make the videos match the manifests (or apply PLANFILE from `vidspec plan -o`)."""
    request = ApplyRequest(
        plan_file=planfile,
        targets=target,
        replace=replace,
        force=force,
        lock_timeout=lock_timeout,
        command="vidspec apply",
        engine=EngineOptions(wait=not no_wait, fail_fast=fail_fast),
    )
    confirm = Confirmation(APPLY_QUESTION, auto_approve, expect_fingerprint=expect_fingerprint)
    return run_apply(global_options(ctx), request, confirm, json_events=json_events)
