"""``vidspec destroy``: delete every managed video (or the ``--target`` ones), after a plan."""

from __future__ import annotations

import click

from vidspec.app.apply import ApplyRequest
from vidspec.app.vocabulary import EngineOptions
from vidspec.cli.apply import Confirmation, run_apply
from vidspec.cli.apply_view import json_option
from vidspec.cli.context import global_options
from vidspec.cli.options import lock_timeout_option

DESTROY_QUESTION = (
    "Do you really want to delete all these videos? There is no undo. Only 'yes' will be accepted."
)


@click.command("destroy")
@click.option("--auto-approve", is_flag=True, help="Delete without asking for confirmation.")
@click.option("--target", multiple=True, metavar="ADDR", help="Only delete these videos.")
@click.option("--force", is_flag=True, help="Allow more deletes than safety.max_deletes.")
@click.option("--fail-fast", is_flag=True, help="Start nothing new after the first failure.")
@json_option
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context,
    auto_approve: bool,
    target: tuple[str, ...],
    force: bool,
    fail_fast: bool,
    json_events: bool,
    lock_timeout: float,
) -> int:
    """Delete every video vidspec manages (lifecycle.prevent_destroy refuses)."""
    request = ApplyRequest(
        targets=target,
        destroy=True,
        force=force,
        lock_timeout=lock_timeout,
        command="vidspec destroy",
        engine=EngineOptions(fail_fast=fail_fast),
    )
    confirm = Confirmation(DESTROY_QUESTION, auto_approve)
    return run_apply(global_options(ctx), request, confirm, json_events=json_events)
