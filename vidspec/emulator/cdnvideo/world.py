"""The emulated CDNvideo account: its videos and tasks, their life on the clock, its quota
and its monthly request count. Thread-safe; persisted after every change when a data
directory is set.

Task life: a task is ``in_queue`` for ``queue_seconds`` after its creation, ``processing``
for ``processing_seconds``, then ``processed`` (both timings are fixed per task when it is
created). Its duration is the duration estimated from the script; the quota is charged that
many minutes when it completes. A canceled task is ``CANCELED`` (in capitals, as the vendor
page's own example answers). Every video or task is gone ``retention_days`` after creation.

The world is one account: with ``settings.account`` unset, every account name in a path
reaches the same videos. With a data directory, a saved world wins over the settings' starting
``quota_left`` (the quota already spent stays spent); ``quota_limit`` always comes from the
settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.cdnvideo import catalog
from vidspec.emulator.cdnvideo.rules import (
    ApiError,
    Generation,
    check_video_name,
    estimate_seconds,
)
from vidspec.emulator.common.limits import MonthlyCounter
from vidspec.emulator.common.server import Runtime
from vidspec.emulator.common.world import World, times_from_json, times_to_json

IN_QUEUE = "in_queue"
PROCESSING = "processing"
PROCESSED = "processed"
CANCELED = "CANCELED"

MESSAGES = {
    IN_QUEUE: "task is waiting in the queue",
    PROCESSING: "task is being processed",
    PROCESSED: "success",
    CANCELED: "canceled by user request",
}

VIDEOS_DOC = "cdnvideo-videos"
USAGE_DOC = "cdnvideo-usage"
_TIMES = ("created_at", "started_at", "done_at", "canceled_at")


@dataclass
class VideoRecord:
    """One task and (once processed) its video."""

    id: str
    created_at: datetime
    started_at: datetime
    done_at: datetime
    generation: Generation
    canceled_at: datetime | None = None
    charged: bool = False

    def status(self, now: datetime) -> str:
        if self.canceled_at is not None:
            return CANCELED
        if now < self.started_at:
            return IN_QUEUE
        if now < self.done_at:
            return PROCESSING
        return PROCESSED

    def attempts(self, now: datetime) -> int:
        moment = self.canceled_at or now
        return 0 if moment < self.started_at else 1

    def to_json(self) -> dict[str, Any]:
        # vars(), not asdict(): asdict deep-copies every field (a millisecond a record, paid on
        # every change the store journals); json.dumps reads the values right away
        generation = dict(vars(self.generation))
        return {
            "id": self.id,
            "charged": self.charged,
            "generation": generation,
            **times_to_json(self, _TIMES),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> VideoRecord:
        times = times_from_json(doc, _TIMES)
        return cls(
            id=doc["id"],
            generation=Generation(**doc["generation"]),
            charged=bool(doc.get("charged", False)),
            created_at=times["created_at"],
            started_at=times["started_at"],
            done_at=times["done_at"],
            canceled_at=times["canceled_at"],
        )


class CdnVideoWorld(World[VideoRecord]):
    """The in-memory service (``World``: records, settling, persistence), with its quota in
    minutes and its monthly request count. Tests and benchmarks may call its methods directly.
    """

    videos_doc = VIDEOS_DOC
    balance_key = "quota_left"

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime, runtime.settings.quota_left)
        usage = runtime.store.load_journaled(USAGE_DOC) or {}
        self._usage = MonthlyCounter(runtime.clock, usage.get("month"), int(usage.get("count", 0)))

    def _record_from_json(self, doc: dict[str, Any]) -> VideoRecord:
        return VideoRecord.from_json(doc)

    def _cost(self, record: VideoRecord) -> float:
        return record.generation.minutes

    def _finished(self, record: VideoRecord, now: datetime) -> bool:
        return record.status(now) == PROCESSED

    def _ended(self, record: VideoRecord) -> bool:
        return record.canceled_at is not None

    def _retention(self) -> timedelta:
        return timedelta(days=self._runtime.settings.retention_days)

    def _unknown(self, record_id: str) -> Exception:
        return ApiError(404, "no such video")

    # -- reading -------------------------------------------------------------------------

    @property
    def quota_left(self) -> float:
        with self._lock:
            self.settle()
            return self._balance

    @property
    def requests_this_month(self) -> int:
        return self._usage.count

    # -- changing ------------------------------------------------------------------------

    def count_request(self) -> int:
        """Count one API call this month; return the count including it."""
        with self._lock:  # appends and folds of the count in one order
            count = self._usage.add()
            store = self._runtime.store
            if store.append(USAGE_DOC, [{"set": self._usage.snapshot()}]):
                store.write(USAGE_DOC, self._usage.snapshot())
            return count

    def create(self, generation: Generation) -> VideoRecord:
        """Enqueue a task, or refuse it (403) when the quota cannot pay for it."""
        with self._lock:
            self.settle()
            available = self._available()
            if generation.minutes > available + 1e-9:
                raise ApiError(
                    403,
                    f"not enough quota: the video needs {generation.minutes:.2f} minutes, "
                    f"{max(available, 0.0):.2f} left",
                )
            settings = self._runtime.settings
            now = self.now
            started = now + timedelta(seconds=settings.queue_seconds)
            record = VideoRecord(
                id=str(uuid.uuid4()),
                created_at=now,
                started_at=started,
                done_at=started + timedelta(seconds=settings.processing_seconds),
                generation=generation,
            )
            return self._enqueue(record)

    def cancel(self, video_id: str) -> VideoRecord:
        with self._lock:
            record = self.get(video_id)
            status = record.status(self.now)
            if status in (PROCESSED, CANCELED):
                raise ApiError(400, f"wrong task status: {status.upper()}")
            record.canceled_at = self.now
            self._persist(record)
            return record

    def rename(self, video_id: str, name: str | None) -> VideoRecord:
        """Change ``video_name`` (``None`` clears it)."""
        check_video_name(name)
        with self._lock:
            record = self.get(video_id)
            record.generation = replace(record.generation, video_name=name)
            self._persist(record)
            return record

    def delete(self, video_id: str) -> None:
        with self._lock:
            self.get(video_id)
            self._drop(video_id)
            self._persist()

    def add_video_from_body(self, body: Mapping[str, Any], **fields: Any) -> VideoRecord:
        """``add_video`` of a CDNvideo create body (a manifest's fields): its script, actor,
        voice and name; ``fields`` add to or override them (tests, benchmarks)."""
        actor = body["actor"]
        return self.add_video(
            script=body["script"],
            actor_name=actor["name"],
            model_version=actor["version"],
            style=actor["style"],
            shot=actor["shot"],
            size=actor["size"],
            voice_name=body["voice"],
            video_name=body.get("video_name"),
            **fields,
        )

    def add_video(self, **fields: Any) -> VideoRecord:
        """Put a video in the world without a request or quota (tests, benchmarks).

        Keywords: ``id``, ``created_at``, ``status`` (``processed`` by default, or
        ``in_queue``/``processing``/``canceled``) and any ``Generation`` field; the rest
        defaults to Natalia 4.0.0, waist, HD, voice Sara on the green screen.
        """
        with self._lock:
            now = self.now
            video_id = str(fields.pop("id", None) or uuid.uuid4())
            created = fields.pop("created_at", None) or now
            status = str(fields.pop("status", PROCESSED)).lower()
            script = fields.pop("script", "Hello from the vidspec emulator.")
            generation = Generation(
                script=script,
                actor_name=fields.pop("actor_name", "Natalia"),
                model_version=fields.pop("model_version", "4.0.0"),
                style=fields.pop("style", "dressshirt"),
                shot=fields.pop("shot", "waist"),
                size=fields.pop("size", "HD"),
                voice_name=fields.pop("voice_name", "Sara"),
                emotion=fields.pop("emotion", catalog.DEFAULT_EMOTION),
                background=fields.pop("background", catalog.DEFAULT_BACKGROUND),
                video_name=fields.pop("video_name", None),
                orientation=fields.pop("orientation", "horizontal"),
                frame_style=fields.pop("frame_style", "rectangle"),
                scale=fields.pop("scale", 1.0),
                crop=fields.pop("crop", 1.0),
                shift=fields.pop("shift", 0.0),
                circle=fields.pop("circle", None),
                duration=float(fields.pop("duration", estimate_seconds(script))),
            )
            if fields:
                raise TypeError(f"add_video got unknown field(s): {', '.join(sorted(fields))}")
            settings = self._runtime.settings
            if status == PROCESSED:
                started = done = created
            elif status == PROCESSING:
                started, done = created, now + timedelta(seconds=settings.processing_seconds)
            elif status in (IN_QUEUE, CANCELED.lower()):
                started = now + timedelta(seconds=settings.queue_seconds)
                done = started + timedelta(seconds=settings.processing_seconds)
            else:
                raise ValueError(f"add_video: unknown status {status!r}")
            record = VideoRecord(
                id=video_id,
                created_at=created,
                started_at=started,
                done_at=done,
                generation=generation,
                canceled_at=now if status == CANCELED.lower() else None,
                charged=status == PROCESSED,
            )
            self._keep(record)
            self._persist(record)
            return record
