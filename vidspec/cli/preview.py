"""``vidspec preview [ADDR...]``: free, watermarked test renders of the changed videos."""

from __future__ import annotations

from collections.abc import Callable

import click

from vidspec.app.preview import make_previews
from vidspec.cli.context import global_options
from vidspec.core.clock import Clock, SystemClock
from vidspec.project.config import load_project
from vidspec.render.preview_list import render_previews

clock_factory: Callable[[], Clock] = SystemClock
"""Where preview reads the time (tests substitute the emulator's ``ManualClock``)."""


@click.command("preview")
@click.argument("addresses", nargs=-1, metavar="[ADDR]...")
@click.option("--no-wait", is_flag=True, help="Send the previews; do not wait for their links.")
@click.pass_context
def command(ctx: click.Context, addresses: tuple[str, ...], no_wait: bool) -> int:
    """Render free, watermarked previews of the videos the plan changes (Synthesia).

    Previews never touch the real videos or the state: they are test renders, listed with
    their links. ADDR limits them to those videos."""
    project = load_project(global_options(ctx).directory)
    results = make_previews(project, clock_factory(), addresses=addresses, wait=not no_wait)
    click.echo(render_previews(results), nl=False)
    return 0
