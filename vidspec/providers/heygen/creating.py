"""Sending HeyGen creates (``POST /v3/videos`` and a template's generate) so that a lost answer
never makes a second video.

Every create carries an ``Idempotency-Key`` [doc CHG May 2026, IDEM]: the caller's (derived
from its write-ahead record, ``wire.idempotency_key``) or a new one. A try whose answer is lost
(``OutcomeUnknown``: a 5xx, a dropped connection, a timeout) or that meets 409
``request_in_progress`` (the first try is still running on the server) is sent again with the
same key after a wait (``API.create_backoff``, doubling), up to ``API.create_attempts`` tries:
the service replays the first answer, or makes the video if the first never arrived. This is
not a blind retry: the key is what makes it safe. A 4xx (429 included) proves nothing was made
and ends the create at once; a service out of reach after a lost answer proves nothing about
that answer, so the create stays ``OutcomeUnknown``.

Past 24 hours a key is forgotten by the service; ``recover`` then looks for the video by its
title and creation time instead (neither get nor list returns ``callback_id`` [doc]).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from vidspec.core.clock import Clock
from vidspec.core.errors import (
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    QuotaExhausted,
    TransportError,
)
from vidspec.core.videos import RemoteVideo
from vidspec.http.client import path_of
from vidspec.providers.heygen.api import API
from vidspec.providers.pacing import Pacing

log = logging.getLogger("vidspec.providers.heygen")


class Call(Protocol):
    def __call__(self, method: str, path: str, *, json: Any = None, key: str | None = None) -> Any:
        """Send one API call and return its decoded JSON answer."""
        ...


FindByTitle = Callable[..., list[RemoteVideo]]


@dataclass(frozen=True)
class LostCreate:
    """What ``recover`` found: ``video_id`` when it is certain (the replayed answer, or the
    one video titled so since the create was sent), and every candidate it saw."""

    video_id: str | None
    via: Literal["idempotency-key", "title"]
    candidates: tuple[RemoteVideo, ...] = ()


def new_key() -> str:
    """A key for a create whose caller keeps none: unique, so it only protects the tries of
    this one call."""
    return "vs-" + uuid.uuid4().hex


class Creator:
    """The create calls of one ``HeygenProvider``."""

    def __init__(self, call: Call, pacing: Pacing, clock: Clock, base_url: str) -> None:
        self._call = call
        self._pacing = pacing
        self._clock = clock
        self._base = base_url

    def create(self, spec: Mapping[str, Any], key: str | None) -> str:
        """``POST /v3/videos`` (``type: avatar`` unless the spec says otherwise); the id of
        the video HeyGen made. ``OutcomeUnknown`` only when every try's answer was lost."""
        body = {"type": API.video_type, **_plain(spec)}
        data = self._post(API.videos_path, body, key)
        return self._id_of(data, "video_id", API.videos_path)

    def generate(self, path: str, body: Mapping[str, Any], key: str | None) -> str:
        """``POST /v3/templates/{id}``: the answer is the whole Video object."""
        return self._id_of(self._post(path, _plain(body), key), "id", path)

    def recover(
        self, spec: Mapping[str, Any], key: str, sent_at: datetime, find: FindByTitle
    ) -> LostCreate:
        """See ``HeygenProvider.recover``."""
        now = self._clock.now()
        if now < sent_at + API.idempotency_window - API.idempotency_margin:
            return LostCreate(self.create(spec, key), "idempotency-key")
        title = spec.get("title")
        if not isinstance(title, str) or not title:
            return LostCreate(None, "title")
        found = tuple(find(title, since=sent_at - API.clock_skew))
        return LostCreate(found[0].id if len(found) == 1 else None, "title", found)

    # -- sending --------------------------------------------------------------------------

    def _post(self, path: str, body: Mapping[str, Any], key: str | None) -> Any:
        key = key or new_key()
        if not API.idempotency_key.fullmatch(key):
            raise ValueError(f"an Idempotency-Key is 1-255 characters of [A-Za-z0-9_:.-]: {key!r}")
        with self._pacing.generation():
            return self._tries(path, body, key)

    def _tries(self, path: str, body: Mapping[str, Any], key: str) -> Any:
        wait = API.create_backoff
        last: ProviderError | None = None
        for attempt in range(API.create_attempts):
            if attempt:
                log.info(
                    "POST %s: %s; sending it again with the same Idempotency-Key in %g s",
                    path,
                    last.message if last else "no answer",
                    wait,
                )
                self._clock.sleep(wait)
                wait *= 2
            try:
                answer = self._call("POST", path, json=body, key=key)
            except OutcomeUnknown as exc:
                last = exc
                continue
            except ProviderError as exc:
                # 409: the first try is still running. A service out of reach after a lost
                # answer says nothing of that first try: the outcome stays unknown.
                gone = last is not None and isinstance(exc, TransportError)
                if exc.status == API.in_progress_status or gone:
                    last = exc
                    continue
                refused = _refused(exc)
                if refused is exc:
                    raise
                raise refused from exc
            if not isinstance(answer, Mapping) or not isinstance(answer.get("data"), Mapping):
                raise self._unknown(
                    path, "the service accepted the video but its answer has no data"
                )
            return answer["data"]
        raise OutcomeUnknown(
            f"the answer to a create was lost {API.create_attempts} times (Idempotency-Key {key})",
            method="POST",
            path=path_of(self._base + path),
            hint="HeyGen replays the first answer to this key for 24 hours: run apply again "
            "to learn what became of the video; nothing is created twice.",
        ) from last

    def _id_of(self, data: Mapping[str, Any], field: str, path: str) -> str:
        value = data.get(field)
        if isinstance(value, str) and API.id_pattern.fullmatch(value):
            return value
        raise self._unknown(
            path, f"the service accepted the video but its answer has no usable {field}"
        )

    def _unknown(self, path: str, message: str) -> OutcomeUnknown:
        return OutcomeUnknown(message, method="POST", path=path_of(self._base + path))


def _refused(exc: ProviderError) -> ProviderError:
    """A create refused with a 4xx: nothing was made. 402 is the wallet; a 404 names an
    unknown avatar or voice in the body, so it is the spec's fault, not a missing video."""
    kw: dict[str, Any] = {
        "method": exc.method,
        "path": exc.path,
        "host": exc.host,
        "status": exc.status,
        "server_message": exc.server_message,
    }
    if exc.status == API.credit_status:
        return QuotaExhausted(
            "HeyGen refused the video: the balance is too low",
            hint="Top up the HeyGen wallet (or credits), or make fewer or shorter videos.",
            **kw,
        )
    if isinstance(exc, NotFound):
        return InvalidRequest("HeyGen refused the video", **kw)
    return exc


def _plain(value: Any) -> Any:
    """A JSON-ready copy: read-only mappings and tuples become dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
