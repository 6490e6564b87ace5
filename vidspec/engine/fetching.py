"""Saving finished videos' files beside the rest of apply: a few threads, bounded.

A file can take seconds to fetch; fetched in the engine's loop, each one held up the next POST
(200 creates with downloads reached 0.935-0.961 of the POST limit). ``DownloadPool`` fetches
them in ``THREADS`` threads while the loop goes on sending and polling; the loop collects what
is ready and the ``Finisher`` records it (state writes stay in the loop's thread, one per
collection). Only ``save_video`` (HTTP and the local write) runs in the threads: no engine
state is touched there.

Used only for providers without a rate on every call (CDNvideo): where every call is paced
(Vidnoz, one a second) a download waits its turn in the loop like any other call.
"""

from __future__ import annotations

import concurrent.futures
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

from vidspec.core.errors import DownloadWriteError, ProviderError
from vidspec.engine.downloads import DownloadPathError, save_video
from vidspec.project.protect import ProtectedPaths
from vidspec.providers.base import Provider
from vidspec.state import DownloadRecord

THREADS = 3  # enough to keep up with 10 POSTs a second; few enough to be polite to a file host

T = TypeVar("T")
# The saved file's record, or why it could not be saved.
Fetched = tuple[DownloadRecord | None, str | None]


class DownloadPool(Generic[T]):
    """Files being fetched, each tagged with the caller's ``T`` (the flight it belongs to).

    Files are saved under ``root``, never onto a ``protected`` path; at most ``threads`` at a
    time. The threads start with the first file and stop at ``close``.
    """

    def __init__(
        self,
        provider: Provider,
        root: Path,
        protected: ProtectedPaths | None,
        threads: int = THREADS,
    ) -> None:
        self._provider = provider
        self._root = root
        self._protected = protected
        self._threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[tuple[T, Future[Fetched]]] = []

    def __len__(self) -> int:
        return len(self._pending)

    def submit(self, tag: T, video_id: str, target: str, known: DownloadRecord | None) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="vidspec-file")
        future = self._executor.submit(self._fetch, video_id, target, known)
        self._pending.append((tag, future))

    def ready(self, *, block: bool = False) -> list[tuple[T, Fetched]]:
        """What has been fetched (with ``block``: everything, once it has)."""
        if block and self._pending:
            concurrent.futures.wait([future for _, future in self._pending])
        done = [(tag, future) for tag, future in self._pending if future.done()]
        if done:
            finished = {id(future) for _, future in done}
            self._pending = [p for p in self._pending if id(p[1]) not in finished]
        return [(tag, future.result()) for tag, future in done]

    def close(self) -> None:
        """Wait for the fetches under way and stop the threads."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _fetch(self, video_id: str, target: str, known: DownloadRecord | None) -> Fetched:
        try:
            download, _ = save_video(
                self._provider, video_id, self._root, target, known, self._protected
            )
        except (ProviderError, DownloadPathError, DownloadWriteError) as exc:
            return None, exc.message
        return download, None
