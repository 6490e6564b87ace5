"""What the last refresh saw of each video: status and link, in ``.vidspec/observed.json``.

A plan reads the whole listing but writes no state (a plan in CI changes no tracked file), so
after ``apply --no-wait`` the state said ``queued`` until a later apply. What a refresh sees is
kept here instead, local and git-ignored (a service's video link may grant access to the video:
it never goes into the committed state):

- ``state list``, ``state show`` and ``output`` show the status seen (marked, with when) and
  the link;
- the next state write records it: ``StateStore.save`` passes the state through ``settle``,
  which moves a record still in flight (queued, running) to the end the listing reported
  (done, failed, canceled). An end never goes back, and ids are never reused, so a stale file
  cannot undo a newer record.

A video the state says is done, past its expiry and missing from the listing, is shown as
``expired``; the state keeps ``done`` (the plan regenerates or forgets it).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from vidspec.core.atomic import atomic_write_text
from vidspec.core.times import format_time, parse_time
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.state.model import State, VideoRecord

EXPIRED = "expired"
_MAX_BYTES = 16 * 1024 * 1024  # a local cache; a larger file is ignored, not read


@dataclass(frozen=True)
class Seen:
    """One video as the listing (or a status call) reported it."""

    status: TaskState
    url: str | None = None


@dataclass(frozen=True)
class Observed:
    """The videos of the last refresh by remote id, and when it was read (``None``: never)."""

    seen_at: datetime | None = None
    videos: Mapping[str, Seen] = field(default_factory=dict)

    @classmethod
    def from_listing(cls, remote: Iterable[RemoteVideo], now: datetime) -> Observed:
        return cls(now, {v.id: Seen(v.state, v.url) for v in remote})

    def with_videos(self, videos: Iterable[RemoteVideo]) -> Observed:
        """These videos as seen since (apply's polling saw them finish), over what the last
        refresh saw: ``vidspec output`` right after apply has their links."""
        seen = dict(self.videos)
        seen.update((v.id, Seen(v.state, v.url)) for v in videos)
        return replace(self, videos=seen)

    def status(self, record: VideoRecord) -> str:
        """The record's status as the last refresh saw it (the recorded one when it saw none)."""
        seen = self.videos.get(record.id)
        if seen is not None:
            return seen.status.value
        if (
            self.seen_at is not None
            and record.status is TaskState.DONE
            and record.expires_at is not None
            and record.expires_at <= self.seen_at
        ):
            return EXPIRED
        return record.status.value

    def url(self, record: VideoRecord) -> str | None:
        seen = self.videos.get(record.id)
        return None if seen is None else seen.url

    def settle(self, state: State) -> State:
        """``state`` with every in-flight record moved to the end the refresh saw."""
        if not self.videos:
            return state
        for address, record in state.videos.items():
            if not record.status.in_flight:  # most records: no look-up
                continue
            seen = self.videos.get(record.id)
            if seen is not None and not seen.status.in_flight:
                state = state.with_video(address, replace(record, status=seen.status))
        return state

    def to_json(self) -> dict[str, Any]:
        return {
            "seen_at": None if self.seen_at is None else format_time(self.seen_at),
            "videos": {
                i: {"status": s.status.value, "url": s.url} for i, s in sorted(self.videos.items())
            },
        }


def load_observed(path: Path) -> Observed:
    """The cache, or an empty one when it is missing, too big or unreadable (it is only a
    cache: the next refresh writes it again)."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            return Observed()
        doc = json.loads(path.read_text(encoding="utf-8"))
        videos = {str(i): _seen(v) for i, v in doc["videos"].items()}
        seen_at = doc.get("seen_at")
        return Observed(None if seen_at is None else parse_time(seen_at), videos)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Observed()


class ObservedFile:
    """``observed.json`` read once and again only when the file changed (its inode, size and
    modification time): a state store settles every save with it, and parsing a listing of
    10,000 videos per save would make apply's saves O(account) again (issue 12)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._observed = Observed()

    def get(self) -> Observed:
        """The cache as it is on disk now (empty when missing or unreadable)."""
        try:
            info = self.path.stat()
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            self._stamp, self._observed = None, Observed()
            return self._observed
        if stamp != self._stamp:
            self._stamp, self._observed = stamp, load_observed(self.path)
        return self._observed

    def settle(self, state: State) -> State:
        """``state`` with what the last refresh saw recorded (``Observed.settle``)."""
        return self.get().settle(state)


def _seen(doc: Mapping[str, Any]) -> Seen:
    url = doc.get("url")
    return Seen(TaskState(doc["status"]), url if isinstance(url, str) else None)


def save_observed(path: Path, observed: Observed) -> None:
    """Write the cache atomically; a failure to write it never fails the command."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(observed.to_json(), indent=1, sort_keys=True) + "\n")
