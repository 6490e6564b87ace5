"""``vidspec report [-o DIR]``: a gallery page of the project's videos (``DIR/index.html``),
self-contained, to open from disk or keep as a CI artifact. Offline: the state, the last
refresh's statuses and links, the manifests and the saved files."""

from __future__ import annotations

from pathlib import Path

import click

from vidspec.app.report import gallery
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory
from vidspec.core.atomic import atomic_write_text
from vidspec.core.errors import UsageError
from vidspec.project.config import load_project
from vidspec.render.report import is_report, render_report

PAGE = "index.html"


@click.command("report")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default="vidspec-report",
    show_default=True,
    metavar="DIR",
    help="Write the page to DIR/index.html (relative to -C DIR).",
)
@click.pass_context
def command(ctx: click.Context, out: Path) -> None:
    """Write a gallery page of the videos (DIR/index.html): watch, search and link each one."""
    directory = global_options(ctx).directory
    page_dir = in_directory(directory, out)
    view = gallery(load_project(directory), page_dir, global_options(ctx).clock.now())
    path = page_dir / PAGE
    write_page(path, render_report(view))
    click.echo(f"Wrote {path} ({len(view.videos)} videos).")


def write_page(path: Path, page: str) -> None:
    """Write ``path`` atomically, replacing only a page ``vidspec report`` wrote before."""
    if path.parent.exists() and not path.parent.is_dir():
        raise UsageError(
            f"{path.parent} is a file, not a folder; nothing was written",
            "Name a folder for the page with -o DIR.",
        )
    if path.is_symlink() or path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(4096).decode("utf-8", errors="replace")
        except OSError:
            head = ""
        if path.is_symlink() or not is_report(head):
            raise UsageError(
                f"{path} exists and is not a page vidspec report wrote; nothing was written",
                "Choose another folder with -o DIR, or move that file away.",
            )
    try:
        atomic_write_text(path, page)
        path.chmod(0o644)  # a web page, for anyone who may read the folder (mkstemp: 0600)
    except OSError as exc:
        raise UsageError(
            f"cannot write {path}: {exc.strerror or exc}",
            "Check that the folder is writable and the disk has room.",
        ) from exc
