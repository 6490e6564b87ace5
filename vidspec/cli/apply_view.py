"""How ``apply`` (and ``destroy``) show themselves: for people, or as ``--json`` events.

Like Terraform's views (``views.NewApply(viewType)``), the command's flow is one and the view
is chosen once: ``HumanView`` writes the plan and the results table on stdout and the progress
on stderr (``cli.reporters``); ``JsonView`` writes nothing but ``render.events`` lines on
stdout (the plan as ``planned_change`` events, the engine's events as they come, the summary,
and a failure as ``diagnostic`` events), human progress off.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import click

from vidspec import __version__
from vidspec.app.vocabulary import ApplyReporter, ApplyResults, Plan
from vidspec.cli.reporters import BarReporter, LineReporter
from vidspec.core.clock import Clock
from vidspec.core.errors import VidspecError
from vidspec.render.apply import render_results
from vidspec.render.events import (
    EventStream,
    error_events,
    planned_events,
    result_events,
    version_event,
)
from vidspec.render.text import render_text


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--json`` (``json_events``), for apply and destroy."""
    return click.option(
        "--json",
        "json_events",
        is_flag=True,
        help="Print the run as JSON events, one per line (Terraform's machine-readable UI "
        "shape; schemas/apply-events.schema.json); needs --auto-approve or a plan file.",
    )(function)


class ApplyView(Protocol):
    """What ``run_apply`` shows, whichever way it is shown."""

    def plan(self, plan: Plan, names: Mapping[str, str] | None = None) -> None: ...

    def saved_plan(self, plan: Plan, shown: str) -> None: ...

    def no_work(self) -> None: ...

    def reporter(self) -> ApplyReporter: ...

    def results(self, results: ApplyResults) -> None: ...

    def failed(self, exc: VidspecError) -> None: ...


class HumanView:
    """Text for a person: the plan and the table on stdout, progress on stderr."""

    def __init__(self, *, color: bool) -> None:
        self.color = color

    def plan(self, plan: Plan, names: Mapping[str, str] | None = None) -> None:
        click.echo(render_text(plan, color=self.color, names=names), nl=False)

    def saved_plan(self, plan: Plan, shown: str) -> None:
        click.echo(f"Applying the saved plan {shown}.", err=True)  # reviewed already

    def no_work(self) -> None:
        pass  # the plan said "No changes"

    def reporter(self) -> ApplyReporter:
        if sys.stderr.isatty():
            return BarReporter(color=self.color)
        return LineReporter()

    def results(self, results: ApplyResults) -> None:
        click.echo(render_results(results, color=self.color), nl=False)

    def failed(self, exc: VidspecError) -> None:
        pass  # the CLI's one handler prints it on stderr


class JsonView:
    """``apply --json``: one JSON event per line on stdout, nothing else there."""

    def __init__(self, clock: Clock, *, destroy: bool = False) -> None:
        self.destroy = destroy
        self.stream = EventStream(lambda line: click.echo(line), clock.now)
        self.stream.send([version_event(__version__)])

    def plan(self, plan: Plan, names: Mapping[str, str] | None = None) -> None:
        self.stream.expect(plan)
        self.stream.send(planned_events(plan))

    def saved_plan(self, plan: Plan, shown: str) -> None:
        self.plan(plan)

    def no_work(self) -> None:  # a consumer still gets the run's summary
        self.stream.send(result_events(ApplyResults(destroy=self.destroy)))

    def reporter(self) -> ApplyReporter:
        return self.stream

    def results(self, results: ApplyResults) -> None:
        self.stream.send(result_events(results))

    def failed(self, exc: VidspecError) -> None:
        self.stream.send(error_events(exc))
