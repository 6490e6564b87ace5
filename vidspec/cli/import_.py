"""``vidspec import``: adopt videos that already exist into the state.

``import ADDRESS ID`` adopts one video; ``import --all --write FILE`` writes a manifest of every
unmanaged video and adopts them; ``import --match`` rebuilds a lost state by matching manifest
videos to remote ones. The matching and the manifest text are pure (``vidspec.plan.importer``);
this module does the I/O around them: the lock, the state, the listing, the file.
"""

from __future__ import annotations

import contextlib
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import click

from vidspec.app.imports import ImportSession, import_session
from vidspec.cli.context import global_options
from vidspec.cli.options import in_directory, lock_timeout_option
from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock, SystemClock
from vidspec.core.errors import ManifestError, UsageError
from vidspec.core.paths import display_path
from vidspec.plan.importer import (
    adopt,
    adopt_one,
    check_address,
    check_import,
    imported_spec,
    match_videos,
    pending_claims,
    plan_dump,
    render_manifest,
    with_spec,
)
from vidspec.project.config import Project, load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.providers.base import TaskState
from vidspec.render.state import render_adoptions, render_match, render_skipped
from vidspec.state import State, provider_ref

COMMAND = "vidspec import"


@dataclass(frozen=True)
class ImportOptions:
    """The command line of ``vidspec import``, checked by ``mode``."""

    address: str | None = None
    video_id: str | None = None
    all: bool = False
    write: Path | None = None
    match: bool = False
    dry_run: bool = False
    lock_timeout: float = 0.0

    def mode(self) -> str:
        """``one``, ``all`` or ``match``; ``UsageError`` for a line that mixes them."""
        positional = self.address is not None or self.video_id is not None
        if self.all and self.match:
            raise UsageError("--all and --match cannot be combined", "Choose one of them.")
        if (self.all or self.match) and positional:
            flag = "--all" if self.all else "--match"
            raise UsageError(
                f"{flag} takes no ADDRESS or ID",
                f"Use either `vidspec import ADDRESS ID` or `vidspec import {flag}`.",
            )
        if self.write is not None and not self.all:
            raise UsageError(
                "--write FILE goes with --all", "Use: vidspec import --all --write FILE"
            )
        if self.all:
            if self.write is None and not self.dry_run:
                raise UsageError(
                    "--all needs --write FILE: the adopted videos must be in a manifest",
                    "Use: vidspec import --all --write videos/imported.yaml (or --dry-run to "
                    "print the manifest).",
                )
            return "all"
        if self.match:
            return "match"
        if self.address is None or self.video_id is None:
            raise UsageError(
                "vidspec import needs ADDRESS and ID, or --all --write FILE, or --match",
                "Examples: vidspec import welcome 3f2a...; vidspec import --all --write "
                "videos/imported.yaml; vidspec import --match",
            )
        return "one"


def _session(
    project: Project, options: ImportOptions, clock: Clock
) -> AbstractContextManager[ImportSession]:
    return import_session(project, command=COMMAND, lock_timeout=options.lock_timeout, clock=clock)


def _note(message: str) -> None:
    click.echo(message, err=True)


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _saved(session: ImportSession, state: State, dry_run: bool) -> None:
    if dry_run:
        _note("Dry run: the state was not changed.")
    else:
        session.store.save(state)


# --- import ADDRESS ID ----------------------------------------------------------------------


def import_one(project: Project, options: ImportOptions, clock: Clock) -> None:
    address, video_id = options.address or "", options.video_id or ""
    check_address(address)
    desired = load_desired(project)
    with _session(project, options, clock) as session:
        check_import(session.state, address, video_id)
        caps = session.provider.capabilities
        remote = session.provider.list_videos()
        video = next((v for v in remote if v.id == video_id), None)
        if video is None:  # a task still generating may be missing from the listing
            video = session.provider.status([video_id]).get(video_id)
        if video is None:
            raise UsageError(
                f"no video with id {video_id} in the {caps.display_name} account",
                "Check the id: vidspec plan lists the videos vidspec does not manage.",
            )
        adoption = adopt_one(address, video, desired, caps)
        claimed_by = pending_claims(session.state, remote, caps).get(video_id)
        if claimed_by is not None and claimed_by != address:
            _warn(
                f"{video_id} may be the result of the create pending for {claimed_by}; once "
                f"it is imported at {address}, {claimed_by} gets a video of its own."
            )
        if session.state.pending_for(address):
            _note(f"The pending create recorded for {address} is dropped: this import answers it.")
        _saved(session, adopt(session.state, [adoption], caps), options.dry_run)
    click.echo(render_adoptions([adoption]), nl=False)
    if video.state in (TaskState.FAILED, TaskState.CANCELED):
        _warn(f"the task {video.state.value}; the next plan creates {address} again.")
    if address not in desired.videos:
        _warn(
            f"{address} is in no manifest: the next plan deletes this video unless a manifest "
            f"defines {address}."
        )
    elif video.spec is None:
        _note(
            f"{caps.display_name}'s listing reports no settings: the state records the "
            f"manifest's settings for {address}."
        )
    if not options.dry_run:
        _note("Imported. Run `vidspec plan` to see how it differs from the manifest.")


# --- import --all --write FILE --------------------------------------------------------------


def import_all(project: Project, options: ImportOptions, path: Path | None, clock: Clock) -> None:
    if path is not None and path.exists():
        raise UsageError(
            f"{display_path(path)} already exists; vidspec import never overwrites a file",
            "Choose a new file name, or move the file away first.",
        )
    desired = load_desired(project, unmatched_globs=True)  # the first manifest may be ours
    taken = set(desired.videos) | {m.from_address for m in desired.moves}
    with _session(project, options, clock) as session:
        caps = session.provider.capabilities
        remote = session.provider.list_videos()
        dump = plan_dump(remote, session.state, taken, caps, project.defaults)
        click.echo(render_skipped(dump.skipped), nl=False, err=True)
        if not dump.entries:
            _note("No unmanaged videos to import; nothing was written.")
            return
        text = render_manifest(
            dump.entries,
            provider=str(provider_ref(project)),
            written_at=clock.now().replace(microsecond=0),
        )
        if path is None or options.dry_run:
            click.echo(text, nl=False)
            count = len(dump.entries)
            noun = "video" if count == 1 else "videos"
            _note(f"Dry run: {count} {noun} would be written and adopted; nothing was changed.")
            return
        read = _write_manifest(project, path, text)
        if read:
            loaded = _load_with(project, path)
            adoptions = [
                with_spec(e, imported_spec(e.video.spec, loaded.videos[e.address].spec, caps))
                for e in dump.entries
            ]
        else:
            adoptions = [
                with_spec(e, imported_spec(e.video.spec, None, caps)) for e in dump.entries
            ]
        session.store.save(adopt(session.state, adoptions, caps))
    click.echo(render_adoptions(adoptions), nl=False)
    count = len(adoptions)
    _note(
        f"Wrote {count} video{'' if count == 1 else 's'} to {display_path(path)} and adopted "
        f"{'it' if count == 1 else 'them'} into {session.store.location}."
    )


def _write_manifest(project: Project, path: Path, text: str) -> bool:
    """Write the new manifest (never over a file); True when the project reads it."""
    if path.exists():
        raise UsageError(f"{display_path(path)} already exists; vidspec import never overwrites it")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(
            f"cannot write {display_path(path)}: {exc.strerror or exc}",
            "Nothing was adopted. Check the directory and permissions.",
        ) from exc
    root = project.root.resolve()
    target = path.resolve()
    if not target.is_relative_to(root):
        _warn(
            f"{display_path(path)} is outside the project ({display_path(root)}), so vidspec "
            f"does not read it: the next plan would delete every video just adopted. Move it "
            f"into the project, under a path matched by `manifests:` in vidspec.yaml."
        )
        return False
    for pattern in project.manifests:
        if any(Path(os.path.abspath(m)).resolve() == target for m in project.root.glob(pattern)):
            return True
    patterns = ", ".join(project.manifests) or "(none)"
    _warn(
        f"{display_path(path)} is not matched by `manifests:` in vidspec.yaml ({patterns}), "
        f"so vidspec does not read it: the next plan would delete every video just adopted. "
        f"Add a pattern for it to `manifests:`, or move it where one matches."
    )
    return False


def _load_with(project: Project, path: Path) -> Desired:
    """The manifests with the new file; if they do not load, the file goes and nothing is
    adopted."""
    try:
        return load_desired(project)
    except ManifestError as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        raise UsageError(
            f"the manifest written to {display_path(path)} does not load with the others:\n{exc}",
            "Nothing was adopted and the file was removed. Please report this; meanwhile "
            "adopt videos one at a time with: vidspec import ADDRESS ID",
        ) from exc


# --- import --match -------------------------------------------------------------------------


def import_match(project: Project, options: ImportOptions, clock: Clock) -> None:
    desired = load_desired(project)
    if not desired.videos:
        raise UsageError(
            "the manifests define no videos: there is nothing to match",
            "--match adopts remote videos for the videos in your manifests.",
        )
    with _session(project, options, clock) as session:
        caps = session.provider.capabilities
        if not caps.listing_fields:
            _warn(f"{caps.display_name}'s listing reports names only: videos are matched by name.")
        result = match_videos(desired, session.state, session.provider.list_videos(), caps)
        if result.matched:
            _saved(session, adopt(session.state, result.matched, caps), options.dry_run)
        elif options.dry_run:
            _note("Dry run: the state was not changed.")
    click.echo(render_match(result, dry_run=options.dry_run), nl=False)


@click.command("import")
# metavar: the usage line reads "ADDRESS ID" (both or neither), not "[ADDRESS] ID"
@click.argument("address", metavar="ADDRESS", required=False)
@click.argument("video_id", metavar="ID", required=False)
@click.option(
    "--all", "import_all_", is_flag=True, help="Adopt every unmanaged video (with --write FILE)."
)
@click.option(
    "--write",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --all: write the adopted videos to this new manifest file.",
)
@click.option(
    "--match", is_flag=True, help="Rebuild a lost state: match manifest videos to remote ones."
)
@click.option("--dry-run", is_flag=True, help="Show what would be adopted; write nothing.")
@lock_timeout_option
@click.pass_context
def command(
    ctx: click.Context,
    address: str | None,
    video_id: str | None,
    import_all_: bool,
    write: Path | None,
    match: bool,
    dry_run: bool,
    lock_timeout: float,
) -> None:
    """Adopt existing videos into the state: one (ADDRESS ID), all unmanaged ones
    (--all --write FILE), or those matching the manifests (--match)."""
    options = ImportOptions(address, video_id, import_all_, write, match, dry_run, lock_timeout)
    mode = options.mode()
    directory = global_options(ctx).directory
    project = load_project(directory)
    clock = SystemClock()
    if mode == "one":
        import_one(project, options, clock)
    elif mode == "all":
        path = None if write is None else Path(os.path.abspath(in_directory(directory, write)))
        import_all(project, options, path, clock)
    else:
        import_match(project, options, clock)
