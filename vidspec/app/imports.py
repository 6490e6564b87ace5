"""``vidspec import``'s flows: adopt videos that already exist into the state.

``import ADDRESS ID`` adopts one video; ``import --all --write FILE`` writes a manifest of every
unmanaged video and adopts them; ``import --match`` rebuilds a lost state by matching manifest
videos to remote ones. The matching and the manifest text are pure (``vidspec.plan.importer``);
this module does the I/O around them: ONE lock held for the whole import (the state must not
change under it), ONE state store, ONE provider whose requests are counted at the end, the
manifest file. What it says goes through the command's ``Say``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from vidspec.app.workflow import counted_provider
from vidspec.core.atomic import atomic_write_text
from vidspec.core.clock import Clock
from vidspec.core.errors import ManifestError, UsageError
from vidspec.core.paths import display_path
from vidspec.core.videos import TaskState
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
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.providers.base import Provider
from vidspec.render.state import render_adoptions, render_match, render_skipped
from vidspec.state import State, StateStore, open_state_store, provider_ref

COMMAND = "vidspec import"


@dataclass
class ImportSession:
    """Inside the lock: the state as read, and an open provider."""

    store: StateStore
    state: State
    provider: Provider


@contextlib.contextmanager
def import_session(
    project: Project, *, command: str, lock_timeout: float, clock: Clock
) -> Iterator[ImportSession]:
    """Hold the lock for the whole import, open the provider, and count the requests spent in
    ``usage.json`` at the end (also after an error)."""
    store = open_state_store(project, clock=clock)
    with store.lock(command, timeout=lock_timeout):
        state = store.load()
        with counted_provider(project, clock, usage=store.usage()) as provider:
            yield ImportSession(store, state, provider)


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


@dataclass(frozen=True)
class Say:
    """How an import talks, as the command gives it: ``out`` (stdout: the tables, the
    manifest of a dry run) and ``err`` (stderr: notes and warnings), each written as is."""

    out: Callable[[str], None]
    err: Callable[[str], None]

    def note(self, message: str) -> None:
        self.err(message + "\n")

    def warn(self, message: str) -> None:
        self.err(f"Warning: {message}\n")


def _session(
    project: Project, options: ImportOptions, clock: Clock
) -> AbstractContextManager[ImportSession]:
    return import_session(project, command=COMMAND, lock_timeout=options.lock_timeout, clock=clock)


def _saved(session: ImportSession, state: State, dry_run: bool, say: Say) -> None:
    if dry_run:
        say.note("Dry run: the state was not changed.")
    else:
        session.store.save(state)


# --- import ADDRESS ID ----------------------------------------------------------------------


def import_one(project: Project, options: ImportOptions, clock: Clock, say: Say) -> None:
    """``import ADDRESS ID``: adopt one video, listed (or asked for by its status)."""
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
            say.warn(
                f"{video_id} may be the result of the create pending for {claimed_by}; once "
                f"it is imported at {address}, {claimed_by} gets a video of its own."
            )
        if session.state.pending_for(address):
            say.note(
                f"The pending create recorded for {address} is dropped: this import answers it."
            )
        _saved(session, adopt(session.state, [adoption], caps), options.dry_run, say)
    say.out(render_adoptions([adoption]))
    if video.state in (TaskState.FAILED, TaskState.CANCELED):
        say.warn(f"the task {video.state.value}; the next plan creates {address} again.")
    if address not in desired.videos:
        say.warn(
            f"{address} is in no manifest: the next plan deletes this video unless a manifest "
            f"defines {address}."
        )
    elif video.spec is None:
        say.note(
            f"{caps.display_name}'s listing reports no settings: the state records the "
            f"manifest's settings for {address}."
        )
    if not options.dry_run:
        say.note("Imported. Run `vidspec plan` to see how it differs from the manifest.")


# --- import --all --write FILE --------------------------------------------------------------


def import_all(
    project: Project, options: ImportOptions, path: Path | None, clock: Clock, say: Say
) -> None:
    """``import --all --write FILE``: write a manifest of every unmanaged video, then adopt
    them (``path`` absolute; ``None`` with ``--dry-run``)."""
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
        say.err(render_skipped(dump.skipped))
        if not dump.entries:
            say.note("No unmanaged videos to import; nothing was written.")
            return
        text = render_manifest(
            dump.entries,
            provider=str(provider_ref(project)),
            written_at=clock.now().replace(microsecond=0),
        )
        if path is None or options.dry_run:
            say.out(text)
            count = len(dump.entries)
            noun = "video" if count == 1 else "videos"
            say.note(f"Dry run: {count} {noun} would be written and adopted; nothing was changed.")
            return
        read = _write_manifest(project, path, text, say)
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
    say.out(render_adoptions(adoptions))
    count = len(adoptions)
    say.note(
        f"Wrote {count} video{'' if count == 1 else 's'} to {display_path(path)} and adopted "
        f"{'it' if count == 1 else 'them'} into {session.store.location}."
    )


def _write_manifest(project: Project, path: Path, text: str, say: Say) -> bool:
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
        say.warn(
            f"{display_path(path)} is outside the project ({display_path(root)}), so vidspec "
            f"does not read it: the next plan would delete every video just adopted. Move it "
            f"into the project, under a path matched by `manifests:` in vidspec.yaml."
        )
        return False
    for pattern in project.manifests:
        if any(Path(os.path.abspath(m)).resolve() == target for m in project.root.glob(pattern)):
            return True
    patterns = ", ".join(project.manifests) or "(none)"
    say.warn(
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


def import_match(project: Project, options: ImportOptions, clock: Clock, say: Say) -> None:
    """``import --match``: adopt the remote videos that match manifest videos."""
    desired = load_desired(project)
    if not desired.videos:
        raise UsageError(
            "the manifests define no videos: there is nothing to match",
            "--match adopts remote videos for the videos in your manifests.",
        )
    with _session(project, options, clock) as session:
        caps = session.provider.capabilities
        if not caps.listing_fields:
            say.warn(
                f"{caps.display_name}'s listing reports names only: videos are matched by name."
            )
        result = match_videos(desired, session.state, session.provider.list_videos(), caps)
        if result.matched:
            _saved(session, adopt(session.state, result.matched, caps), options.dry_run, say)
        elif options.dry_run:
            say.note("Dry run: the state was not changed.")
    say.out(render_match(result, dry_run=options.dry_run))
