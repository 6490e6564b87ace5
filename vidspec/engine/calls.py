"""The provider calls the engine makes, each through the gate (paced, interruptible).

Rename, delete and cancel exist only on providers that can (``Renamer``, ``Deleter``,
``Canceler``); the planner never plans them for others (a saved plan of another provider is
refused as stale before), so meeting one here says the plan does not fit the provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vidspec.core.errors import NotFound, UsageError
from vidspec.core.videos import RemoteVideo
from vidspec.engine import localfiles
from vidspec.engine.downloads import save_video
from vidspec.engine.gate import Gate
from vidspec.project.protect import ProtectedPaths
from vidspec.providers.base import Canceler, Deleter, KeyedCreator, Provider, Renamer
from vidspec.state import DownloadRecord


class Calls:
    """``provider``'s calls for one run; files are saved under ``root``, never onto a
    ``protected`` path."""

    def __init__(
        self, provider: Provider, gate: Gate, root: Path, protected: ProtectedPaths | None
    ) -> None:
        self._provider = provider
        self._gate = gate
        self._root = root
        self._protected = protected  # what no download may write (the project's own files)
        # Polling lists only what this apply can be waiting for: videos made from ``since``
        # on (``watch_from``), so the listing of a large account is one page, not all of it.
        self.since: datetime | None = None

    def create(self, spec: Mapping[str, Any], key: str) -> str:
        """One generation; ``key`` (the write-ahead record's) travels with it when the
        provider carries one (``KeyedCreator``)."""
        provider = self._provider
        if isinstance(provider, KeyedCreator):
            return self._gate.call(lambda: provider.create_keyed(spec, key))
        return self._gate.call(lambda: provider.create(spec))

    def list_videos(self) -> list[RemoteVideo]:
        since = self.since
        return self._gate.call(lambda: self._provider.list_videos(since=since))

    def watch_from(self, moment: datetime, skew: timedelta) -> None:
        """Polling must see videos made from ``moment`` on, less the clock skew between us
        and the service (a create's send time; an adopted task's creation time)."""
        since = moment - skew
        if self.since is None or since < self.since:
            self.since = since

    def status(self, ids: Sequence[str]) -> dict[str, RemoteVideo]:
        return self._gate.call(lambda: self._provider.status(ids))

    def rename(self, video_id: str, name: str) -> None:
        provider = self._provider
        if not isinstance(provider, Renamer):
            raise self._unable("rename a video")
        self._gate.call(lambda: provider.rename(video_id, name))

    def cancel(self, video_id: str) -> None:
        provider = self._provider
        if not isinstance(provider, Canceler):
            raise self._unable("cancel a task")
        self._gate.call(lambda: provider.cancel(video_id))

    def delete(self, video_id: str) -> bool:
        """Delete a remote video; True when it was gone already (a retried DELETE whose first
        answer was lost also ends here)."""
        provider = self._provider
        if not isinstance(provider, Deleter):
            raise self._unable("delete a video")
        try:
            self._gate.call(lambda: provider.delete(video_id))
        except NotFound:
            return True
        return False

    def save(self, video_id: str, relative: str, known: DownloadRecord | None) -> DownloadRecord:
        """The finished video ``video_id`` in the file ``relative`` (not fetched again when
        ``known`` says it is there already)."""
        record, _ = self._gate.call(
            lambda: save_video(
                self._provider, video_id, self._root, relative, known, self._protected
            )
        )
        return record

    def remove_saved(self, saved: DownloadRecord) -> str:
        """The file vidspec saved for a deleted video, removed if unchanged (no call)."""
        return localfiles.remove_saved(self._root, saved)

    def move_saved(self, saved: DownloadRecord, relative: str) -> DownloadRecord | str:
        """The file vidspec saved for a moved video, moved to ``relative`` (no call)."""
        return localfiles.move_saved(self._root, saved, relative, self._protected)

    def _unable(self, what: str) -> UsageError:
        name = self._provider.capabilities.display_name
        return UsageError(
            f"{name} cannot {what}, and this plan asks for it",
            "The plan does not fit this provider; run vidspec plan again.",
        )
