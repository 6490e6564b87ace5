"""The lock of a state kept in S3: the object ``<key>.lock``, created with ``If-None-Match: *``.

S3 itself guarantees one holder: of any number of runners creating the object at once, exactly
one succeeds; the others get 412 and read who holds it (the object's body is the holder's
``LockInfo``: command, user, host, pid, time and the CI run's URL). A held lock fails fast
naming the holder, or is polled with backoff (0.5 s doubling to 8 s, on the injected clock)
until ``timeout``.

Release deletes the object with ``If-Match: <its ETag>``: a runner whose lock was broken with
``force-unlock`` (and perhaps taken by another) never removes a lock it no longer holds.
``force_unlock(ID)`` reads the holder, checks the ID and deletes that version only. A lock
object whose body is not vidspec's note (garbage, a truncated write, an older format) still
has an ID: one derived from its ETag, so ``force-unlock`` removes exactly that version too.

Unlike the local OS lock, nothing releases the lock of a runner that died: ``force-unlock``
does, after a person has judged that the holder is gone (the state writes stay safe either
way: every write is conditional on the version read, see ``s3store``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re

from vidspec.core.clock import Clock
from vidspec.core.errors import LockHeld, StateError
from vidspec.core.lock import LockInfo
from vidspec.state.s3objects import ConditionFailed, S3Objects, StoredObject, printable

FIRST_POLL = 0.5  # seconds before the first retry of a held lock
MAX_POLL = 8.0  # the backoff stops doubling here
_FIELD_LIMIT = 300  # a holder's field longer than this is cut (the body is untrusted)
_RELEASED_RETRIES = 3  # a lock found gone when its holder was read is tried again at once
_PLAIN_ETAG = re.compile(r"[0-9a-f]{32}(-[0-9]{1,5})?")  # an MD5, or a multipart upload's


class S3Lock:
    """The lock object of one state key. Not reentrant; one instance per command."""

    def __init__(self, objects: S3Objects, key: str, clock: Clock) -> None:
        self.objects = objects
        self.key = key
        self._clock = clock
        self._info: LockInfo | None = None
        self._etag: str | None = None

    @property
    def url(self) -> str:
        return self.objects.url(self.key)

    @property
    def held(self) -> bool:
        return self._etag is not None

    def acquire(self, command: str, timeout: float = 0.0) -> LockInfo:
        """Create the lock object or raise ``LockHeld`` naming its holder (after polling with
        backoff for up to ``timeout`` seconds)."""
        if self._etag is not None:
            raise StateError(f"{self.url}: this command already holds the lock")
        info = LockInfo.new(command, self._clock)
        body = (json.dumps(info.to_json(), indent=2, sort_keys=True) + "\n").encode()
        deadline = self._clock.monotonic() + max(0.0, timeout)
        pause = FIRST_POLL
        again = _RELEASED_RETRIES
        while True:
            try:
                self._etag = self.objects.put(self.key, body, if_none_match=True)
                self._info = info
                return info
            except ConditionFailed:
                holder, etag = self._read()
                if holder is not None and holder.id == info.id and etag is not None:
                    # Our own first attempt created it and its answer was lost (then retried).
                    self._etag, self._info = etag, info
                    return info
                if holder is None and again:  # released just now: try to take it at once
                    again -= 1
                    continue
            remaining = deadline - self._clock.monotonic()
            if remaining <= 0:
                raise self._held_error(timeout)
            self._clock.sleep(min(pause, remaining))
            pause = min(pause * 2, MAX_POLL)

    def release(self) -> None:
        """Delete the lock object if it is still the version this command created."""
        etag, self._etag, self._info = self._etag, None, None
        if etag is None:
            return
        # ConditionFailed: broken with force-unlock (and maybe taken since): not ours to delete.
        with contextlib.suppress(ConditionFailed):
            self.objects.delete(self.key, if_match=etag)

    def holder(self) -> LockInfo | None:
        """The current holder (one named by the object's ETag when its body is not a note
        vidspec can read), or ``None`` when the lock is free."""
        return self._read()[0]

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Delete the lock whose ID is ``lock_id`` (that version only)."""
        holder, etag = self._read()
        if holder is None or etag is None:
            raise StateError(
                f"no lock is held on {self.objects.url(self.key.removesuffix('.lock'))} "
                f"({self.url} does not exist); there is nothing to unlock",
                "If a command still reports the lock, run it again to see the current ID.",
            )
        if holder.id != lock_id:
            raise StateError(
                f"lock ID {lock_id} does not match the current lock ({holder.id})",
                "Copy the ID from the message that reported the lock; the holder is:\n"
                + holder.describe(),
            )
        try:
            self.objects.delete(self.key, if_match=etag)
        except ConditionFailed as exc:
            raise StateError(
                f"{self.url} changed while it was being removed (released or taken again)",
                "Run the command again to see the current holder.",
            ) from exc
        return holder

    def _read(self) -> tuple[LockInfo | None, str | None]:
        found = self.objects.get(self.key)
        if found is None:
            return None, None
        try:
            doc = json.loads(found.body.decode("utf-8"))
            info = LockInfo.from_json(doc)
        except (ValueError, KeyError, TypeError, RecursionError):
            return self._unreadable(found), found.etag
        return _clean(info), found.etag

    def _unreadable(self, found: StoredObject) -> LockInfo:
        return LockInfo.unknown(
            etag_id(found.etag),
            f"the lock object {self.url} is not a vidspec lock note ({len(found.body)} bytes)",
            found.modified,
        )

    def _held_error(self, timeout: float) -> LockHeld:
        holder, _ = self._read()
        waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
        state_url = self.objects.url(self.key.removesuffix(".lock"))
        if holder is None:
            return LockHeld(
                f"The state {state_url} was locked by another vidspec command{waited}.",
                None,
                "It was released just now: run the command again.",
            )
        return LockHeld(
            f"The state {state_url} is locked by another vidspec command{waited}:\n"
            f"{holder.describe()}",
            holder.id,
        )


def etag_id(etag: str) -> str:
    """The ID of a lock object's version: its ETag (an MD5 hex, as S3 and most stores make
    it), or a hash of an ETag of another form (the store is untrusted: the ID is printed)."""
    text = etag.strip().strip('"').lower()
    if _PLAIN_ETAG.fullmatch(text):
        return text
    return hashlib.sha256(etag.encode("utf-8", "replace")).hexdigest()[:32]


def _clean(info: LockInfo) -> LockInfo:
    """The holder as read from the store, safe to print (control characters replaced)."""
    return LockInfo(
        id=printable(info.id, _FIELD_LIMIT),
        user=printable(info.user, _FIELD_LIMIT),
        host=printable(info.host, _FIELD_LIMIT),
        pid=info.pid,
        command=printable(info.command, _FIELD_LIMIT),
        created=info.created,
        run_url=None if info.run_url is None else printable(info.run_url, _FIELD_LIMIT),
    )


__all__ = ["FIRST_POLL", "MAX_POLL", "S3Lock", "etag_id"]
