"""The emulated Vidnoz account: its tasks (each one a video), their life on the clock, and its
credits. Thread-safe; persisted after every change when a data directory is set.

Task life, in the list's numbers: ``0`` draft for ``queue_seconds`` after creation, ``2``
generating for ``processing_seconds``, then ``1`` generated (timings fixed per task when it is
created); ``3`` failed only when a test says so (``fail``). A task's credits (4 a minute of its
estimated duration) are reserved when it is created and spent when it is generated; a create
the credits left (minus those reserved) cannot pay for is refused. Every task and its files are
gone ``file_retention_days`` after creation, from the list, the detail and the file links alike.

With a data directory, a saved world wins over the settings' starting ``credits_left``.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.common.server import Runtime
from vidspec.emulator.common.world import World, times_from_json, times_to_json
from vidspec.emulator.vidnoz.rules import BAD_REQUEST, CREDITS_PER_MINUTE, Generation, VidnozError

DRAFT = 0
GENERATED = 1
GENERATING = 2
FAILED = 3
STATUS_NAMES = {DRAFT: "draft", GENERATED: "generated", GENERATING: "generating", FAILED: "failed"}
MESSAGES = {
    DRAFT: "task is waiting in the queue",
    GENERATING: "task is generating",
    GENERATED: "ok",
    FAILED: "task failed",
}

VIDEOS_DOC = "vidnoz-videos"
_TIMES = ("created_at", "started_at", "done_at", "failed_at")


def new_task_id() -> str:
    """An opaque id shaped like the vendor's (``OFZ2WS8wNWF6cGNURWVOVnpTUWNPdz09``): base64 of
    base64 of 16 random bytes."""
    return base64.b64encode(base64.b64encode(secrets.token_bytes(16))).decode("ascii")


@dataclass
class VideoRecord:
    """One task and (once generated) its video."""

    id: str
    name: str
    created_at: datetime
    started_at: datetime
    done_at: datetime
    generation: Generation
    failed_at: datetime | None = None
    failure: str | None = None
    charged: bool = False

    def status(self, now: datetime) -> int:
        if self.failed_at is not None and now >= self.failed_at:
            return FAILED
        if now < self.started_at:
            return DRAFT
        if now < self.done_at:
            return GENERATING
        return GENERATED

    def message(self, now: datetime) -> str:
        status = self.status(now)
        if status == FAILED and self.failure:
            return self.failure
        return MESSAGES[status]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "failure": self.failure,
            "charged": self.charged,
            "generation": {
                "name": self.generation.name,
                "request": self.generation.request,
                "duration": self.generation.duration,
            },
            **times_to_json(self, _TIMES),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> VideoRecord:
        times = times_from_json(doc, _TIMES)
        return cls(
            id=doc["id"],
            name=doc["name"],
            generation=Generation(**doc["generation"]),
            failure=doc.get("failure"),
            charged=bool(doc.get("charged", False)),
            created_at=times["created_at"],
            started_at=times["started_at"],
            done_at=times["done_at"],
            failed_at=times["failed_at"],
        )


class VidnozWorld(World[VideoRecord]):
    """The in-memory service (``World``: records, settling, persistence), with its credits.
    Tests and benchmarks may call its methods directly."""

    videos_doc = VIDEOS_DOC
    balance_key = "credits_left"

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime, runtime.settings.credits_left)

    def _record_from_json(self, doc: dict[str, Any]) -> VideoRecord:
        return VideoRecord.from_json(doc)

    def _cost(self, record: VideoRecord) -> float:
        return record.generation.credits

    def _finished(self, record: VideoRecord, now: datetime) -> bool:
        return record.status(now) == GENERATED

    def _ended(self, record: VideoRecord) -> bool:
        return record.failed_at is not None

    def _retention(self) -> timedelta:
        return timedelta(days=self._runtime.settings.file_retention_days)

    def _unknown(self, record_id: str) -> Exception:
        return VidnozError(BAD_REQUEST, f"task not found: {record_id}")

    # -- reading -------------------------------------------------------------------------

    @property
    def credits_left(self) -> float:
        with self._lock:
            self.settle()
            return self._balance

    # -- changing ------------------------------------------------------------------------

    def create(self, generation: Generation) -> VideoRecord:
        """Start a task, or refuse it when the credits cannot pay for it."""
        with self._lock:
            self.settle()
            available = self._available()
            if generation.credits > available + 1e-9:
                raise VidnozError(
                    BAD_REQUEST,
                    f"insufficient credits: the video needs {generation.credits:.2f} credits "
                    f"(about {generation.duration:.0f} seconds at {CREDITS_PER_MINUTE:g} credits "
                    f"a minute), {max(available, 0.0):.2f} left",
                )
            settings = self._runtime.settings
            now = self.now
            started = now + timedelta(seconds=settings.queue_seconds)
            record = VideoRecord(
                id=new_task_id(),
                name=generation.name or "video_" + secrets.token_hex(6),
                created_at=now,
                started_at=started,
                done_at=started + timedelta(seconds=settings.processing_seconds),
                generation=generation,
            )
            return self._enqueue(record)

    def fail(self, task_id: str, message: str = "task failed") -> VideoRecord:
        """Make a task fail now (tests). Its reserved credits are released."""
        with self._lock:
            record = self.get(task_id)
            record.failed_at = self.now
            record.failure = message
            self._persist(record)
            return record

    def add_video(self, **fields: Any) -> VideoRecord:
        """Put a task in the world without a request or credits (tests, benchmarks).

        Keywords: ``id``, ``name``, ``created_at``, ``status`` (``generated`` by default, or
        ``draft``, ``generating``, ``failed``, or the list's numbers), ``duration`` (seconds),
        ``request`` (the create body with defaults applied).
        """
        with self._lock:
            now = self.now
            status = fields.pop("status", GENERATED)
            if isinstance(status, str):
                by_name = {v: k for k, v in STATUS_NAMES.items()}
                if status not in by_name:
                    raise ValueError(f"add_video: unknown status {status!r}")
                status = by_name[status]
            created = fields.pop("created_at", None) or now
            name = fields.pop("name", None)
            request = fields.pop("request", None)
            if request is None:
                request = {"name": name} if name else {}
            generation = Generation(
                name=name, request=request, duration=float(fields.pop("duration", 20.0))
            )
            task_id = str(fields.pop("id", None) or new_task_id())
            if fields:
                raise TypeError(f"add_video got unknown field(s): {', '.join(sorted(fields))}")
            settings = self._runtime.settings
            if status == DRAFT:
                started = now + timedelta(seconds=max(settings.queue_seconds, 1.0))
                done = started + timedelta(seconds=max(settings.processing_seconds, 1.0))
            elif status == GENERATING:
                started = created
                done = now + timedelta(seconds=max(settings.processing_seconds, 1.0))
            else:
                started = done = created
            record = VideoRecord(
                id=task_id,
                name=name or "video_" + secrets.token_hex(6),
                created_at=created,
                started_at=started,
                done_at=done,
                generation=generation,
                failed_at=created if status == FAILED else None,
                failure="task failed" if status == FAILED else None,
                charged=status == GENERATED,
            )
            self._keep(record)
            self._persist(record)
            return record
