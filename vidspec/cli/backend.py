"""``vidspec backend check``: is the state backend of vidspec.yaml fit for state and locks?

Prints one line per probe (``vidspec/state/probe.py``) and fails (exit 1) when the store is
unfit: above all when it ignores ``If-None-Match`` (its locks would be worthless) or ``If-Match``
(a stale writer could overwrite a newer state).
"""

from __future__ import annotations

import click

from vidspec.app.backend_check import Finding, check_backend
from vidspec.cli.context import global_options
from vidspec.core.errors import BackendError
from vidspec.project.config import load_project


@click.group("backend")
def command() -> None:
    """Look at the state backend (the local file, or S3)."""


@command.command("check")
@click.pass_context
def check(ctx: click.Context) -> None:
    """Write, read and delete a probe beside the state, and test the conditional requests
    vidspec's lock and writes rely on."""
    project = load_project(global_options(ctx).directory)
    settings = project.state_backend
    if settings is None:
        click.echo(f"Backend: the local file {project.state_path} (lock: {project.lock_path})")
    else:
        click.echo(f"Backend: {settings.describe()} (region {settings.region or 'from AWS_*'})")
    findings = check_backend(project).findings
    for finding in findings:
        click.echo(f"  {'ok  ' if finding.ok else 'FAIL'}  {finding.text}")
    unfit = [f for f in findings if f.fatal and not f.ok]
    if unfit:
        raise BackendError(
            f"{settings.describe() if settings else project.state_path} is NOT fit for vidspec's "
            f"state: " + "; ".join(f.text for f in unfit) + ".",
            "Use a store that honours conditional requests (AWS S3, or a recent MinIO, "
            "Cloudflare R2, Ceph); vidspec refuses to keep state where locks cannot hold.",
        )
    warned = [f for f in findings if not f.ok]
    if warned:
        click.echo("The backend works, with the warnings above.")
    else:
        click.echo("The backend is fit for vidspec's state and lock.")


__all__ = ["Finding", "command"]
