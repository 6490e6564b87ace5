"""The emulated Synthesia account: its videos, their life on the clock, the credits they used.

A video is ``in_progress`` for ``queue_seconds + processing_seconds`` after it was made (the
API shows no queue), then ``complete``; or ``error`` / ``rejected`` when a test hook or
``synthesia_render_fail_rate`` says so [vidspec]. Videos are kept until deleted (the vendor
documents no expiry; only links expire). A deleted video is gone: get, update and delete
answer 404, the listing leaves it out [vidspec: the ``deleted`` status is in the enum but
described nowhere].

Credits are counted, never refused: 2 per started second of each complete video that is not a
test [doc CRED; SW: test videos are free]; the API reports no balance and the emulator has
none to run out of [vidspec]. ``credits_spent`` sums them.

With a data directory the videos are saved after every change (``common.world``).
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.common.server import Runtime
from vidspec.emulator.common.world import World, times_from_json, times_to_json
from vidspec.emulator.synthesia.rules import Creation
from vidspec.emulator.synthesia.schema import SynthesiaError

IN_PROGRESS, COMPLETE, ERROR, REJECTED = "in_progress", "complete", "error", "rejected"
OUTCOMES = (COMPLETE, ERROR, REJECTED)
CREDITS_PER_SECOND = 2  # [doc CRED] "Each second of a video uses 2 credits"
VIDEOS_DOC = "synthesia-videos"
KEPT = timedelta(days=36500)  # no documented expiry: kept until deleted
_TIMES = ("created_at", "done_at", "updated_at")


@dataclass
class VideoRecord:
    """One video, its answers' fields in Python's names."""

    id: str
    created_at: datetime
    done_at: datetime
    updated_at: datetime
    title: str
    description: str
    visibility: str
    aspect_ratio: str
    seconds: float
    outcome: str
    test: bool = False
    callback_id: str | None = None
    cta: Mapping[str, str] | None = None
    folder_id: str | None = None
    template_id: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict)
    charged: bool = False

    def status(self, now: datetime) -> str:
        return IN_PROGRESS if now < self.done_at else self.outcome

    def last_updated(self, now: datetime) -> datetime:
        return max(self.updated_at, self.done_at) if now >= self.done_at else self.updated_at

    @property
    def credits(self) -> int:
        if self.test or self.outcome != COMPLETE:
            return 0
        return CREDITS_PER_SECOND * math.ceil(self.seconds)

    def to_json(self) -> dict[str, Any]:
        doc = {k: v for k, v in vars(self).items() if k not in _TIMES}
        doc["cta"] = None if self.cta is None else dict(self.cta)
        doc["request"] = dict(self.request)
        return doc | times_to_json(self, _TIMES)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> VideoRecord:
        plain = {k: v for k, v in doc.items() if k not in _TIMES}
        return cls(**plain, **times_from_json(doc, _TIMES))


class SynthesiaWorld(World[VideoRecord]):
    """The in-memory account (``World``: records, settling, persistence). Tests and benchmarks
    may call its methods directly."""

    videos_doc = VIDEOS_DOC
    balance_key = "balance"  # unused: Synthesia keeps no balance the emulator could refuse on

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime, 0.0)
        self._random = random.Random(runtime.settings.seed)

    def _record_from_json(self, doc: dict[str, Any]) -> VideoRecord:
        return VideoRecord.from_json(doc)

    def _cost(self, record: VideoRecord) -> float:
        return 0.0  # credits are counted (``credits_spent``), never taken from a balance

    def _finished(self, record: VideoRecord, now: datetime) -> bool:
        return now >= record.done_at

    def _ended(self, record: VideoRecord) -> bool:
        return record.outcome != COMPLETE

    def _retention(self) -> timedelta:
        return KEPT

    def _unknown(self, record_id: str) -> Exception:
        return SynthesiaError(404, "Video not found.")

    # -- reading ---------------------------------------------------------------------------

    @property
    def credits_spent(self) -> int:
        """Credits of every complete, non-test video kept."""
        with self._lock:
            self.settle()
            return sum(r.credits for r in self._records.values() if r.charged)

    def newest_first(self, offset: int, limit: int) -> tuple[list[VideoRecord], int]:
        """One page of the listing, newest first, and how many videos there are."""
        with self._lock:
            order = self.in_created_order()
            total = len(order)
            stop = max(total - offset, 0)
            keys = order[max(stop - limit, 0) : stop][::-1]
            return [self._records[i] for _, i in keys], total

    # -- changing --------------------------------------------------------------------------

    def create(self, creation: Creation) -> VideoRecord:
        with self._lock:
            settings = self._runtime.settings
            now = self.now
            outcome = creation.outcome
            if outcome == COMPLETE and self._random.random() < settings.synthesia_render_fail_rate:
                outcome = ERROR
            busy = timedelta(seconds=settings.queue_seconds + settings.processing_seconds)
            record = VideoRecord(
                id=str(uuid.uuid4()),
                created_at=now,
                done_at=now + busy,
                updated_at=now,
                title=creation.title,
                description=creation.description,
                visibility=creation.visibility,
                aspect_ratio=creation.aspect_ratio,
                seconds=creation.seconds,
                outcome=outcome,
                test=creation.test,
                callback_id=creation.callback_id,
                cta=creation.cta,
                folder_id=creation.folder_id,
                template_id=creation.template_id,
                request=creation.request,
            )
            return self._enqueue(record)

    def update(self, video_id: str, changes: Mapping[str, Any]) -> VideoRecord:
        """Change ``title``, ``description``, ``visibility``, ``ctaSettings`` (the PATCH)."""
        with self._lock:
            record = self.get(video_id)
            record.title = changes.get("title", record.title)
            record.description = changes.get("description", record.description)
            record.visibility = changes.get("visibility", record.visibility)
            record.cta = changes.get("ctaSettings", record.cta)
            record.updated_at = self.now
            self._persist(record)
            return record

    def delete(self, video_id: str) -> None:
        with self._lock:
            self.get(video_id)
            self._drop(video_id)
            self._persist()

    def fail(self, video_id: str, outcome: str = ERROR) -> VideoRecord:
        """End a video now in ``outcome`` (``error`` or ``rejected``): tests."""
        if outcome not in (ERROR, REJECTED):
            raise ValueError(f"fail: outcome must be {ERROR} or {REJECTED}, not {outcome!r}")
        with self._lock:
            record = self.get(video_id)
            self._drop(video_id)
            record.outcome, record.done_at = outcome, min(record.done_at, self.now)
            self._keep(record)
            self._persist(record)
            return record

    def add_video(self, **fields: Any) -> VideoRecord:
        """Put a video in the world without a request (tests, benchmarks, STUDIO-made videos).

        Keywords: the ``VideoRecord`` fields; ``status`` (``complete`` by default, or
        ``in_progress``, ``error``, ``rejected``) instead of ``outcome`` and ``done_at``.
        """
        with self._lock:
            now = self.now
            status = fields.pop("status", COMPLETE)
            if status not in (IN_PROGRESS, *OUTCOMES):
                raise ValueError(f"add_video: unknown status {status!r}")
            created = fields.pop("created_at", now)
            busy = timedelta(seconds=max(self._runtime.settings.processing_seconds, 1.0))
            defaults: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "title": "",
                "description": "",
                "visibility": "private",
                "aspect_ratio": "16:9",
                "seconds": 20.0,
                "outcome": COMPLETE if status == IN_PROGRESS else status,
                "done_at": now + busy if status == IN_PROGRESS else created,
                "updated_at": created,
            }
            record = VideoRecord(created_at=created, **(defaults | fields))
            record.charged = record.status(now) != IN_PROGRESS
            self._keep(record)
            self._persist(record)
            return record
