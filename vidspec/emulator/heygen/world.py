"""The emulated HeyGen account: its videos, their life on the clock, the jobs running at once,
and its wallet. Thread-safe; persisted after every change when a data directory is set.

A video's life [vidspec: the reference server's]: ``pending`` for ``queue_seconds`` after it
was made, ``processing`` for ``processing_seconds``, then ``completed`` (charged $0.10 a second
of its estimated duration [doc PRICE]) or ``failed`` (never charged [doc ENT]: a script holding
``FAILME``, the ``heygen_render_fail_rate`` share, or ``fail`` in a test). Timings are fixed
per video when it is made.

Jobs "pending or processing" count against ``heygen_max_concurrent`` (10 on pay-as-you-go
[doc LIM]); a create beyond it is refused with 429, not queued [doc LIM], with ``Retry-After``
the whole seconds until the earliest running job ends, at least 1 [vidspec]. Deleting a
video still rendering is allowed and frees its slot [vidspec]. A create whose estimated cost
is more than the wallet holds (less what running jobs will take) is 402
``insufficient_credit``. Videos do not expire [doc V1: "the video itself does not expire";
v3 documents no retention].

With a data directory, a saved world wins over the settings' starting wallet.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vidspec.emulator.common.server import Runtime
from vidspec.emulator.common.world import World, times_from_json, times_to_json
from vidspec.emulator.heygen.errors import NOT_FOUND, PAYMENT_REQUIRED, TOO_MANY, HeygenError
from vidspec.emulator.heygen.rules import Generation

PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
STATUSES = (PENDING, PROCESSING, COMPLETED, FAILED)
RENDERING_FAILED = "rendering_failed"  # [doc GETV example]

VIDEOS_DOC = "heygen-videos"
NO_EXPIRY = timedelta(days=36500)
_TIMES = ("created_at", "started_at", "done_at")


def new_video_id() -> str:
    """32 lower-case hex characters [vidspec: the shape of HeyGen's ids]."""
    return secrets.token_hex(16)


@dataclass
class VideoRecord:
    """One video: its job and (once completed) its files."""

    id: str
    created_at: datetime
    started_at: datetime
    done_at: datetime
    generation: Generation
    failure: str | None = None  # the failure_message of a video that fails at done_at
    charged: bool = False

    @property
    def title(self) -> str | None:
        return self.generation.title

    def status(self, now: datetime) -> str:
        if now < self.started_at:
            return PENDING
        if now < self.done_at:
            return PROCESSING
        return FAILED if self.failure is not None else COMPLETED

    def to_json(self) -> dict[str, Any]:
        g = self.generation
        return {
            "id": self.id,
            "failure": self.failure,
            "charged": self.charged,
            "generation": {
                "title": g.title,
                "request": g.request,
                "duration": g.duration,
                "output_format": g.output_format,
                "folder_id": g.folder_id,
                "captioned": g.captioned,
                "fails": g.fails,
                "template_id": g.template_id,
            },
            **times_to_json(self, _TIMES),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> VideoRecord:
        times = times_from_json(doc, _TIMES)
        return cls(
            id=doc["id"],
            generation=Generation(**doc["generation"]),
            failure=doc.get("failure"),
            charged=bool(doc.get("charged", False)),
            created_at=times["created_at"],
            started_at=times["started_at"],
            done_at=times["done_at"],
        )


class HeygenWorld(World[VideoRecord]):
    """The in-memory account (``World``: records, settling, persistence), with its wallet and
    its running jobs. Tests and benchmarks may call its methods directly."""

    videos_doc = VIDEOS_DOC
    balance_key = "wallet_usd"

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime, runtime.settings.heygen_wallet_usd)
        self._rng = random.Random(runtime.settings.seed)

    def _record_from_json(self, doc: dict[str, Any]) -> VideoRecord:
        return VideoRecord.from_json(doc)

    def _cost(self, record: VideoRecord) -> float:
        return record.generation.cost

    def _finished(self, record: VideoRecord, now: datetime) -> bool:
        return record.status(now) == COMPLETED

    def _ended(self, record: VideoRecord) -> bool:
        return record.status(self.now) == FAILED

    def _retention(self) -> timedelta:
        return NO_EXPIRY

    def _unknown(self, record_id: str) -> Exception:
        return HeygenError(NOT_FOUND, "video_not_found", f"video {record_id!r} not found")

    # -- reading -------------------------------------------------------------------------

    @property
    def wallet_usd(self) -> float:
        with self._lock:
            self.settle()
            return round(self._balance, 4)

    def running(self) -> list[VideoRecord]:
        """The jobs pending or processing now (what the concurrency limit counts)."""
        with self._lock:
            self.settle()
            now = self.now
            return [r for r in self._open.values() if r.status(now) in (PENDING, PROCESSING)]

    # -- changing ------------------------------------------------------------------------

    def create(self, generation: Generation) -> VideoRecord:
        """Start a video, or refuse it: 429 over the concurrency limit, 402 over the wallet."""
        with self._lock:
            self.settle()
            settings = self._runtime.settings
            running = self.running()
            if len(running) >= settings.heygen_max_concurrent:
                first_end = min(r.done_at for r in running)
                wait = max(1, math.ceil((first_end - self.now).total_seconds()))
                raise HeygenError(
                    TOO_MANY,
                    "rate_limit_exceeded",
                    f"too many concurrent jobs: {len(running)} of "
                    f"{settings.heygen_max_concurrent} are pending or processing",
                    retry_after=wait,
                )
            available = self._available()
            if generation.cost > available + 1e-9:
                raise HeygenError(
                    PAYMENT_REQUIRED,
                    "insufficient_credit",
                    f"Your account has ${max(available, 0.0):.2f} but this video requires "
                    f"${generation.cost:.2f}.",
                )
            return self._enqueue(self._new_record(generation))

    def _new_record(self, generation: Generation) -> VideoRecord:
        settings = self._runtime.settings
        now = self.now
        started = now + timedelta(seconds=settings.queue_seconds)
        fails = generation.fails or self._chance(settings.heygen_render_fail_rate)
        return VideoRecord(
            id=new_video_id(),
            created_at=now,
            started_at=started,
            done_at=started + timedelta(seconds=settings.processing_seconds),
            generation=generation,
            failure="Avatar rendering failed" if fails else None,
        )

    def _chance(self, rate: float) -> bool:
        return rate > 0 and (rate >= 1 or self._rng.random() < rate)

    def delete(self, video_id: str) -> None:
        """Delete a video and its files, also while it renders (its slot is freed)."""
        with self._lock:
            self.get(video_id)
            self._drop(video_id)
            self._persist()

    def fail(self, video_id: str, message: str = "Avatar rendering failed") -> VideoRecord:
        """Make a video fail now (tests): never charged, its slot freed."""
        with self._lock:
            record = self.get(video_id)
            now = self.now
            record.failure = message
            record.started_at = min(record.started_at, now)
            record.done_at = min(record.done_at, now)
            self._keep(record)
            self._persist(record)
            return record

    def add_video(self, **fields: Any) -> VideoRecord:
        """Put a video in the world without a request or a charge (tests, benchmarks).

        Keywords: ``id``, ``title``, ``created_at``, ``status`` (``completed`` by default, or
        ``pending``, ``processing``, ``failed``), ``duration`` (seconds), ``folder_id``.
        """
        with self._lock:
            now = self.now
            status = fields.pop("status", COMPLETED)
            if status not in STATUSES:
                raise ValueError(f"add_video: unknown status {status!r}")
            created = fields.pop("created_at", None) or now
            generation = Generation(
                title=fields.pop("title", None),
                request={"type": "avatar"},
                duration=float(fields.pop("duration", 20.0)),
                folder_id=fields.pop("folder_id", None),
            )
            video_id = str(fields.pop("id", None) or new_video_id())
            if fields:
                raise TypeError(f"add_video got unknown field(s): {', '.join(sorted(fields))}")
            step = timedelta(seconds=max(self._runtime.settings.processing_seconds, 1.0))
            started = done = created
            if status == PENDING:
                started, done = now + step, now + 2 * step
            elif status == PROCESSING:
                done = now + step
            record = VideoRecord(
                id=video_id,
                created_at=created,
                started_at=started,
                done_at=done,
                generation=generation,
                failure="Avatar rendering failed" if status == FAILED else None,
                charged=status == COMPLETED,
            )
            self._keep(record)
            self._persist(record)
            return record
