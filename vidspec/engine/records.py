"""How each step of apply changes the state, and the ``Recorder`` that writes it.

The functions are pure (``State`` in, ``State`` out); the ``Recorder`` writes every result
through the store at once (atomically, backed up). The functions only say what the new state
is, so the write-ahead rules live in one readable place:

- before a create: a ``pending`` record (address, spec, hash, time, outcome ``sending``);
- the remote id known: the pending record goes and the video record comes, in one write;
- the answer lost: the pending record stays, outcome ``unknown`` (the listing resolves it);
- a regenerate's old video is kept in ``previous`` until the new one is done, and restored as
  the address's video if the new one fails.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.core.errors import StateError
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.providers.base import Capabilities
from vidspec.state import (
    OUTCOME_SENDING,
    OUTCOME_UNKNOWN,
    DownloadRecord,
    PendingRecord,
    State,
    StateStore,
    VideoRecord,
)


def name_of(spec: Mapping[str, Any], caps: Capabilities) -> str | None:
    name = value_at(spec, caps.name_field)
    return name if isinstance(name, str) else None


def sending(
    state: State, address: str, kind: str, spec: Mapping[str, Any], spec_hash: str, now: datetime
) -> tuple[State, PendingRecord]:
    """The write-ahead record of a create about to be sent."""
    record = PendingRecord(
        address=address,
        action=kind,
        spec_hash=spec_hash,
        spec=dict(spec),
        started_at=now,
        outcome=OUTCOME_SENDING,
    )
    return state.with_pending(record), record


def _without(state: State, record: PendingRecord) -> State:
    kept = tuple(p for p in state.pending if p != record)
    return replace(state, pending=kept)


def not_sent(state: State, record: PendingRecord) -> State:
    """The create was refused (a 4xx proves nothing was made): drop its pending record."""
    return _without(state, record)


def outcome_unknown(state: State, record: PendingRecord) -> tuple[State, PendingRecord]:
    """The create's answer was lost: keep the record, marked ``unknown``."""
    lost = replace(record, outcome=OUTCOME_UNKNOWN)
    pending = tuple(lost if p == record else p for p in state.pending)
    return replace(state, pending=pending), lost


def submitted(
    state: State,
    address: str,
    video_id: str,
    spec: Mapping[str, Any],
    spec_hash: str,
    now: datetime,
    caps: Capabilities,
    previous: tuple[str, ...],
) -> State:
    """The service accepted a create: the address's video is now ``video_id`` (queued), and
    every pending record of the address is resolved."""
    record = VideoRecord(
        id=video_id,
        status=TaskState.QUEUED,
        spec_hash=spec_hash,
        spec=dict(spec),
        name=name_of(spec, caps),
        created_at=now,
        expires_at=now + caps.retention,
        previous=tuple(dict.fromkeys(p for p in previous if p != video_id)),
    )
    return state.without_pending(address).with_video(address, record)


def adopted(
    state: State,
    address: str,
    video: RemoteVideo,
    spec: Mapping[str, Any],
    spec_hash: str,
    caps: Capabilities,
    replaces: str | None,
) -> State:
    """A lost create found in the listing becomes the address's video. The video it replaced
    (a regenerate's old one) stays managed in ``previous`` until it is deleted."""
    current = state.videos.get(address)
    previous = list(current.previous) if current is not None else []
    if replaces is not None:
        previous.append(replaces)
    elif current is not None and current.id != video.id:
        previous.append(current.id)
    record = VideoRecord(
        id=video.id,
        status=video.state,
        spec_hash=spec_hash,
        spec=dict(spec),
        name=name_of(spec, caps),
        created_at=video.created_at,
        expires_at=video.created_at + caps.retention,
        previous=tuple(dict.fromkeys(p for p in previous if p != video.id)),
    )
    state = _drop_pending_of(state, address, spec_hash)
    return state.with_video(address, record)


def _drop_pending_of(state: State, address: str, spec_hash: str) -> State:
    return state.without_pending(address, spec_hash)


def finished(
    state: State,
    address: str,
    video: RemoteVideo,
    caps: Capabilities,
    *,
    download: DownloadRecord | None = None,
    drop_previous: tuple[str, ...] = (),
) -> State:
    """The address's video reached its end (done, failed or canceled), as ``video`` reports;
    ``drop_previous``: superseded ids deleted (or forgotten) just now."""
    current = state.videos.get(address)
    if current is None or current.id != video.id:
        return state
    created = current.created_at
    if video.created_at is not None and video.state is TaskState.DONE:
        created = min(created, video.created_at)  # the service's time when the listing says
    record = replace(
        current,
        status=video.state,
        created_at=created,
        expires_at=created + caps.retention,
        download=download if download is not None else current.download,
        previous=tuple(p for p in current.previous if p not in drop_previous),
    )
    return state.with_video(address, record)


def restored(state: State, address: str, old: VideoRecord, failed_id: str) -> State:
    """A regenerate's new video failed: the old video is the address's video again. The failed
    task stays in ``previous``, so the next plan cleans it up if the service lists it."""
    previous = tuple(dict.fromkeys((*old.previous, failed_id)))
    return state.with_video(address, replace(old, previous=previous))


def renamed(
    state: State, address: str, name: str, spec: Mapping[str, Any], spec_hash: str
) -> State:
    current = state.videos[address]
    record = replace(current, name=name, spec=dict(spec), spec_hash=spec_hash)
    return state.with_video(address, record)


def without_previous(state: State, address: str, video_id: str) -> State:
    """A superseded video deleted or forgotten."""
    current = state.videos.get(address)
    if current is None:
        return state
    previous = tuple(p for p in current.previous if p != video_id)
    return state.with_video(address, replace(current, previous=previous))


def removed(state: State, address: str) -> State:
    """The address's video deleted or forgotten: the address is no longer managed."""
    return state.without_video(address)


def downloaded(state: State, address: str, video_id: str, download: DownloadRecord) -> State:
    """A finished video's file saved (after the apply that made it): recorded, and the
    video known to be done."""
    current = state.videos.get(address)
    if current is None or current.id != video_id:
        return state
    return state.with_video(address, replace(current, download=download, status=TaskState.DONE))


class Recorder:
    """Holds the current ``state`` and writes each new one through the store.

    A state that cannot be written stops the run (``stop`` is set): nothing more may be done
    that could not be recorded.
    """

    def __init__(self, store: StateStore, state: State, stop: threading.Event) -> None:
        self._store = store
        self._stop = stop
        self.state = state

    def save(self, state: State) -> None:
        try:
            self.state = self._store.save(state)
        except StateError:
            self._stop.set()
            raise
