"""The flow of ``vidspec report``: the project's videos as the team sees them, offline.

``gallery`` reads the expanded manifests, the state (without its lock: reading never changes
it), what the last refresh saw (``.vidspec/observed.json``: statuses and links) and the saved
files' sizes on disk, and returns one ``Gallery`` value; ``render/report.py`` writes the page.
It sends no request: run ``vidspec plan`` or ``output --refresh`` first for fresh statuses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from vidspec.app.providers import kind_plugin
from vidspec.app.state_edits import view_state
from vidspec.core.addresses import natural_key, split_address
from vidspec.core.dicts import value_at
from vidspec.core.escape import escape_text
from vidspec.core.videos import TaskState
from vidspec.plan.cost import script_of
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired, DesiredVideo
from vidspec.providers.base import Capabilities
from vidspec.render.gallery import (
    CHANGED,
    MISSING,
    PENDING,
    PLANNED,
    SAVED,
    Gallery,
    SavedFile,
    VideoView,
)
from vidspec.state import DownloadRecord, State, VideoRecord
from vidspec.state.observed import EXPIRED, Observed, load_observed

# A video counts as expiring soon this long before its expiry, unless its
# ``lifecycle.regenerate_before_expiry`` says when the next plan renews it.
EXPIRING_SOON = timedelta(days=3)


def gallery(project: Project, page_dir: Path, now: datetime) -> Gallery:
    """Every video of ``project``: the manifests' and the state's (a video no manifest wants
    any more is kept, marked), for a page written in ``page_dir``."""
    desired = load_desired(project)
    state = view_state(project).state
    observed = load_observed(project.observed_path)
    kind = state.provider.kind if state is not None else project.provider.kind
    # a sandbox emulating a vendor keeps that vendor's fields (its name and text paths)
    plugin = kind_plugin(kind)
    speaks = project.provider.speaks if kind == project.provider.kind else kind
    caps = dataclasses.replace(kind_plugin(speaks).capabilities, kind=kind)
    views = _Views(project, desired, state, observed, caps, now, plugin.local)
    addresses = set(desired.videos)
    if state is not None:
        addresses |= set(state.videos) | {p.address for p in state.pending}
    return Gallery(
        project=project.root.name,
        provider=kind,
        generated_at=now,
        seen_at=observed.seen_at,
        project_href=folder_href(project.root, page_dir),
        videos=tuple(views.of(a) for a in sorted(addresses, key=_grouped)),
    )


def _grouped(address: str) -> tuple[Any, ...]:
    """Natural order, a definition's instances together where its name sorts."""
    return (natural_key(split_address(address)[0]), natural_key(address))


def folder_href(folder: Path, page_dir: Path) -> str:
    """``folder``'s URL relative to a page in ``page_dir`` (``""`` or ending in ``/``)."""
    relative = Path(os.path.relpath(folder.resolve(), page_dir.resolve())).as_posix()
    return "" if relative == "." else quote(relative) + "/"


class _Views:
    """Builds each address's ``VideoView`` from the values read once."""

    def __init__(
        self,
        project: Project,
        desired: Desired,
        state: State | None,
        observed: Observed,
        caps: Capabilities,
        now: datetime,
        local: bool,
    ) -> None:
        self.root, self.desired, self.observed = project.root, desired, observed
        self.local = local  # the service ran inside a command: its links died with it
        self.caps, self.now, self.kind = caps, now, caps.kind
        self.videos: Mapping[str, VideoRecord] = {} if state is None else state.videos
        self.pending = {} if state is None else {p.address: p.spec for p in state.pending}

    def of(self, address: str) -> VideoView:
        want = self.desired.videos.get(address)
        record = self.videos.get(address)
        definition, key = split_address(address)
        common: dict[str, Any] = {
            "address": address,
            "definition": definition if key is not None else None,
            "provider": self.kind,
            "wanted": want is not None,
        }
        if record is None:
            spec = want.spec if want is not None else self.pending.get(address, {})
            status = PENDING if address in self.pending else PLANNED
            return VideoView(
                name=_text(value_at(spec, self.caps.name_field)),
                text=_text(script_of(spec, self.caps)),
                status=status,
                **common,
            )
        status = self.observed.status(record)
        if status == TaskState.DONE.value and _past(record.expires_at, self.now):
            status = EXPIRED  # as of now, whatever the last refresh saw
        return VideoView(
            name=record.name,
            text=_text(script_of(record.spec, self.caps)),
            status=status,
            remote_id=record.id,
            created_at=record.created_at,
            expires_at=record.expires_at,
            renew_at=_renew_at(record, want),
            url=self._link(record, status),
            file=None if record.download is None else self._file(record.download),
            **common,
        )

    def _link(self, record: VideoRecord, status: str) -> str | None:
        """The service's link while the video is valid; only an http(s) URL, as written, and
        none of a local service's (the sandbox's server ends with the command that started it)."""
        url = self.observed.url(record)
        if url is None or status == EXPIRED or self.local:
            return None
        if urlsplit(url).scheme not in ("http", "https") or escape_text(url) != url:
            return None
        return url

    def _file(self, saved: DownloadRecord) -> SavedFile:
        """The recorded file and whether its size is still on disk. One ``stat``, no hash
        (10,000 files: the plan's ``↓ download`` check reads them); a path the state holds
        that leaves the project (a hand edit) is not looked at, nor linked."""
        path = PurePosixPath(saved.path)
        on_disk = MISSING
        if not path.is_absolute() and ".." not in path.parts:
            with contextlib.suppress(OSError):
                size = os.stat(self.root / path).st_size
                on_disk = SAVED if size == saved.size else CHANGED
        return SavedFile(saved.path, saved.sha256, saved.size, on_disk)


def _renew_at(record: VideoRecord, want: DesiredVideo | None) -> datetime | None:
    if record.expires_at is None:
        return None
    ahead = want.lifecycle.regenerate_before_expiry if want is not None else None
    return record.expires_at - (ahead or EXPIRING_SOON)


def _past(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
