"""What every emulated account has in common: tasks by id, brought up to the clock on read,
a balance that finished tasks spend, a retention after which a task is gone, and one journaled
JSON document that keeps all of it (``vidspec.emulator.common.store``: a change costs O(change)).

A service's world (``CdnVideoWorld``, ``VidnozWorld``) subclasses ``World`` and says only what
differs: its record type, the name of its balance ("quota_left" minutes, "credits_left"),
what a task costs, when it is finished or ended without a charge, how long it is kept, and the
error for an unknown id. Thread-safe: every method takes the world's (reentrant) lock.

Persisting: ``_keep`` (a new record) and ``_drop`` are noted by the world; after a change, a
service's world calls ``_persist(record, ...)`` with the records it made or changed in place
(``_persist()`` alone after a ``_drop``). ``_save()`` writes the whole world instead: correct
for any change, but O(world).
"""

from __future__ import annotations

import bisect
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from vidspec.emulator.common.server import Runtime

FORMAT = 1


class Task(Protocol):
    """What ``World`` needs of a record (a dataclass in each service's world)."""

    id: str
    created_at: datetime
    charged: bool

    def to_json(self) -> dict[str, Any]: ...


T = TypeVar("T", bound=Task)


def times_to_json(record: object, names: Iterable[str]) -> dict[str, str | None]:
    """The datetime attributes ``names`` of ``record`` as ISO text (``None`` kept)."""
    out: dict[str, str | None] = {}
    for name in names:
        moment = getattr(record, name)
        out[name] = None if moment is None else moment.isoformat()
    return out


def times_from_json(doc: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """``times_to_json`` read back: name -> datetime or ``None``."""
    return {
        name: None if doc.get(name) is None else datetime.fromisoformat(doc[name]) for name in names
    }


class World(ABC, Generic[T]):
    """The in-memory account. Tests and benchmarks may call its methods directly."""

    videos_doc: ClassVar[str]
    """The store's document name (``<data_dir>/<videos_doc>.json``)."""
    balance_key: ClassVar[str]
    """The balance's key in that document (what a saved world restores)."""

    def __init__(self, runtime: Runtime, balance: float) -> None:
        self._runtime = runtime
        self._lock = threading.RLock()
        self._records: dict[str, T] = {}
        # (created_at, id) of every record, ascending: the listings' order kept as videos are
        # made, so a page is a slice (O(page)) instead of a sort of the whole account.
        self._order: list[tuple[datetime, str]] = []
        # Records not yet charged nor ended: the only ones ``settle`` must look at.
        self._open: dict[str, T] = {}
        self._ended_ids: set[str] = set()  # canceled or failed: kept, never charged
        self._balance = float(balance)
        self._changes: list[dict[str, Any]] = []  # to persist next, in order (``_drop``'s)
        stored = runtime.store.load_journaled(self.videos_doc)
        if stored is not None:  # a saved world wins over the starting balance
            self._balance = float(stored[self.balance_key])
            for doc in stored["videos"]:
                self._keep(self._record_from_json(doc))
        self._changes = []
        self._persisted_balance = self._balance

    # -- what a service says --------------------------------------------------------------

    @abstractmethod
    def _record_from_json(self, doc: dict[str, Any]) -> T: ...

    @abstractmethod
    def _cost(self, record: T) -> float:
        """What the task takes from the balance when it is finished."""
        ...

    @abstractmethod
    def _finished(self, record: T, now: datetime) -> bool:
        """Done, so charged now."""
        ...

    @abstractmethod
    def _ended(self, record: T) -> bool:
        """Canceled or failed: never charged, reserves nothing."""
        ...

    @abstractmethod
    def _retention(self) -> timedelta: ...

    @abstractmethod
    def _unknown(self, record_id: str) -> Exception:
        """The service's error for an id it does not hold."""
        ...

    # -- reading --------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self._runtime.clock.now()

    @property
    def videos(self) -> dict[str, T]:
        """Every task and video still kept, by id (a copy)."""
        with self._lock:
            self.settle()
            return dict(self._records)

    def get(self, record_id: str) -> T:
        """The record, or the service's error for an unknown id."""
        with self._lock:
            self.settle()
            record = self._records.get(record_id)
            if record is None:
                raise self._unknown(record_id)
            return record

    def records(self) -> list[T]:
        with self._lock:
            self.settle()
            return list(self._records.values())

    def in_created_order(
        self,
        start: tuple[datetime, str] | None = None,
        end: tuple[datetime, str] | None = None,
    ) -> list[tuple[datetime, str]]:
        """The ``(created_at, id)`` keys with ``start <= key < end``, oldest first: a slice of
        the order kept as records are made (no record is built or sorted). ``find`` gives the
        record of a key."""
        with self._lock:
            self.settle()
            low = 0 if start is None else bisect.bisect_left(self._order, start)
            high = len(self._order) if end is None else bisect.bisect_left(self._order, end)
            return self._order[low:high]

    def unfinished(self) -> list[T]:
        """The records not finished and charged: in the queue, generating, canceled or failed
        (few, whatever the account's size: a listing that shows only finished videos skips
        these, and slices the rest)."""
        with self._lock:
            self.settle()
            ended = (self._records[i] for i in self._ended_ids)
            return [*self._open.values(), *ended]

    def find(self, record_id: str) -> T | None:
        """The record of ``record_id`` or ``None`` (no settling: for a listing's page)."""
        return self._records.get(record_id)

    def count(self) -> int:
        with self._lock:
            self.settle()
            return len(self._records)

    def _keep(self, record: T) -> None:
        """Hold ``record`` (replacing one of its id), in the created order."""
        if record.id in self._records:
            self._drop(record.id)
        self._records[record.id] = record
        bisect.insort(self._order, (record.created_at, record.id))
        if self._ended(record):
            self._ended_ids.add(record.id)
        elif not record.charged:
            self._open[record.id] = record

    def _drop(self, record_id: str) -> None:
        """Forget ``record_id`` (persisted by the next ``_persist``)."""
        record = self._records.pop(record_id)
        index = bisect.bisect_left(self._order, (record.created_at, record_id))
        del self._order[index]
        self._open.pop(record_id, None)
        self._ended_ids.discard(record_id)
        self._changes.append({"drop": record_id})

    def _available(self) -> float:
        """The balance less what unfinished tasks have reserved."""
        reserved = sum(
            self._cost(r) for r in self._open.values() if not r.charged and not self._ended(r)
        )
        return self._balance - reserved

    # -- changing -------------------------------------------------------------------------

    def _enqueue(self, record: T) -> T:
        """Keep a new task (and persist it); with zero timings it is finished and charged at
        once."""
        with self._lock:
            self._keep(record)
            charged = self._settle()
            self._persist(*(r for r in charged if r is not record), record)
            return record

    def settle(self) -> None:
        """Bring the world up to the clock: charge finished tasks, forget expired ones."""
        with self._lock:
            charged = self._settle()
            if charged or self._changes:
                self._persist(*charged)

    def _settle(self) -> list[T]:
        """``settle`` without persisting: the records it charged (expired ones are noted)."""
        now = self.now
        keep = self._retention()
        while self._order and self._order[0][0] + keep <= now:  # the oldest expire first
            self._drop(self._order[0][1])
        charged = []
        for record in list(self._open.values()):
            if self._ended(record):
                del self._open[record.id]
                self._ended_ids.add(record.id)
            elif self._finished(record, now):
                record.charged = True
                self._balance = max(0.0, self._balance - self._cost(record))
                del self._open[record.id]
                charged.append(record)
        return charged

    # -- persisting (``vidspec.emulator.common.store``: how a world persists itself) ---------

    def _persist(self, *changed: T) -> None:
        """Persist what changed, O(change): ``changed`` (records made, or changed in place),
        the records ``_drop`` forgot since the last call, and the balance. Call it after every
        change, holding the world's lock (``_save`` writes the whole world instead)."""
        with self._lock:
            changes, self._changes = self._changes, []
            if not self._runtime.store.enabled:
                return
            changes += [{"put": r.to_json()} for r in changed if self._records.get(r.id) is r]
            if self._balance != self._persisted_balance:
                changes.append({"set": {self.balance_key: self._balance}})
                self._persisted_balance = self._balance
            if self._runtime.store.append(self.videos_doc, changes):
                self._save()

    def _save(self) -> None:
        """Write the whole world (the store's fold: O(world)); after a change, ``_persist``."""
        with self._lock:
            self._changes = []
            self._persisted_balance = self._balance
            if not self._runtime.store.enabled:
                return
            document = {
                "format": FORMAT,
                self.balance_key: self._balance,
                "videos": [r.to_json() for r in self._records.values()],
            }
            self._runtime.store.write(self.videos_doc, document)
