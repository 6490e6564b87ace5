"""The state-store contract suite: what every ``StateStore`` backend promises, as tests.

A backend (``vidspec/state/backend.py``: the local file, S3, a future one) is done when its
tests subclass ``StateStoreContract`` and pass. The subclass gives one fixture,
``store_backend``, returning a ``StoreBackend`` for the test: a fresh place (a directory, a
bucket) and two things only the backend knows, how to open a store there and how to read or
write the raw objects it keeps (so a test can lose the state, or spoil the lock's note, the
way a person or a crash would)::

    class TestLocalStore(StateStoreContract):
        @pytest.fixture
        def store_backend(self, tmp_path: Path) -> StoreBackend:
            return LocalBackend(tmp_path)

What the suite holds a backend to (each a test below):

- reading: an empty place reads as a new state (serial 0) and writes nothing; a write reads
  back in another store (another command) with the serial + 1 and the lineage kept; unchanged
  content writes nothing; a state of another provider or account is refused (``StateMismatch``);
  a state that is not valid is refused (``StateCorrupt``) and left as it is;
- writing: only under the lock; a stale serial (someone wrote since this store read) and
  another lineage are refused with a ``StateError`` and nothing is overwritten; the
  missing-state rule (a missing state beside its backup, or a state gone since it was read, is
  never written or read as new); ``replace_with`` writes lineage and serial as given;
- the backup: after each command's write, the previous version is the backup, a valid state
  that restores;
- the lock: one holder, named (ID, command) to anyone who asks; another is refused with
  ``LockHeld`` naming it, or waits on the injected clock and then gives up; a released lock is
  taken; ``force_unlock`` breaks only the ID it is given; a writer whose lock was broken cannot
  overwrite what the next holder wrote; a lock whose note cannot be read still has an ID that
  ``force_unlock`` takes;
- usage: the month's request count is kept beside the state and shared by every store of the
  place; two writers counting at once never lose each other's counts.

Every test uses a ``ManualClock``: a lock's wait costs no real time.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Literal, Protocol

import pytest

from vidspec.core.clock import Clock, ManualClock
from vidspec.core.errors import LockHeld, StateCorrupt, StateError, StateMismatch
from vidspec.core.videos import TaskState
from vidspec.state.backend import StateStore
from vidspec.state.model import ProviderRef, State, VideoRecord

Part = Literal["state", "backup", "lock_note"]
"""The raw objects a backend keeps: the state, its backup, and the note naming the lock's
holder (the local ``lock.info``; the body of S3's ``<key>.lock``)."""

PROVIDER = ProviderRef(kind="cdnvideo", account="acme")
"""The provider the suite's states belong to."""

PUSHED_LINEAGE = "5f0c2a4e-8d7b-4c1a-9e3f-0a1b2c3d4e5f"  # a state another place made


class StoreBackend(Protocol):
    """One place a backend keeps a state, fresh for one test (implemented by the backend's
    tests, passed to the suite by the ``store_backend`` fixture)."""

    def open(self, provider: ProviderRef, clock: Clock) -> StateStore:
        """A new store object on this place, as one command (or CI runner) opens it; two
        calls are two commands that share the place, its lock and its usage count."""
        ...

    def read(self, part: Part) -> bytes | None:
        """The raw bytes of ``part`` as stored now (``None``: it does not exist)."""
        ...

    def write(self, part: Part, data: bytes | None) -> None:
        """Replace ``part`` with ``data`` behind every store's back (``None``: delete it)."""
        ...


def video(name: str, number: int = 0) -> VideoRecord:
    """A managed video record for the suite's states (``number``: its id and creation minute)."""
    created = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc) + timedelta(minutes=number)
    return VideoRecord(
        id=f"00000000-0000-4000-8000-{number:012d}",
        status=TaskState.DONE,
        spec_hash=f"hash-{name}",
        spec={"video_name": name},
        name=name,
        created_at=created,
    )


def stored(backend: StoreBackend, part: Part = "state") -> State:
    """``part`` parsed as a state (it must exist)."""
    data = backend.read(part)
    assert data is not None, f"the backend keeps no {part}"
    return State.from_json(json.loads(data.decode("utf-8")))


class StateStoreContract:
    """The suite: subclass it (named ``Test...``) and give the ``store_backend`` fixture."""

    @pytest.fixture
    def store_backend(self) -> StoreBackend:
        """Override: a fresh ``StoreBackend`` for each test."""
        raise NotImplementedError("a StateStoreContract subclass gives the store_backend fixture")

    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock()

    @staticmethod
    def written(store: StateStore, *names: str) -> State:
        """Write a state holding ``names`` (over what ``store`` reads) in one command."""
        with store.lock("vidspec apply"):
            state = store.load()
            for name in names:
                state = state.with_video(name, video(name, len(state.videos)))
            return store.save(state)

    # --- reading -------------------------------------------------------------------------

    def test_an_empty_place_reads_as_a_new_state_and_writes_nothing(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store = store_backend.open(PROVIDER, clock)
        assert not store.exists()
        state = store.load()
        assert (state.serial, dict(state.videos), state.provider) == (0, {}, PROVIDER)
        assert state.lineage
        assert not store.exists() and store_backend.read("state") is None

    def test_a_write_reads_back_in_another_store(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        first = store_backend.open(PROVIDER, clock)
        saved = self.written(first, "welcome")
        assert saved.serial == 1
        again = store_backend.open(PROVIDER, clock).load()
        assert again.serial == 1 and again.lineage == saved.lineage
        assert again.same_content(saved) and again.videos["welcome"] == video("welcome")
        assert store_backend.open(PROVIDER, clock).exists()

    def test_unchanged_content_writes_nothing(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store = store_backend.open(PROVIDER, clock)
        self.written(store, "welcome")
        with store.lock("vidspec apply"):
            assert store.save(store.load()).serial == 1
        assert store_backend.open(PROVIDER, clock).load().serial == 1

    def test_a_state_of_another_provider_is_refused(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        self.written(store_backend.open(PROVIDER, clock), "welcome")
        other = store_backend.open(ProviderRef("cdnvideo", "other-account"), clock)
        with pytest.raises(StateMismatch, match="other-account"):
            other.load()

    def test_a_state_that_is_not_valid_is_refused_and_left_as_it_is(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        self.written(store_backend.open(PROVIDER, clock), "welcome")
        store_backend.write("state", b'{"format_version": 1, "lineage": ')
        with pytest.raises(StateCorrupt):
            store_backend.open(PROVIDER, clock).load()
        assert store_backend.read("state") == b'{"format_version": 1, "lineage": '

    # --- writing -------------------------------------------------------------------------

    def test_a_write_needs_the_lock(self, store_backend: StoreBackend, clock: ManualClock) -> None:
        store = store_backend.open(PROVIDER, clock)
        state = store.load().with_video("welcome", video("welcome"))
        with pytest.raises(StateError, match="lock"):
            store.save(state)
        with pytest.raises(StateError, match="lock"):
            store.replace_with(state)
        assert store_backend.read("state") is None

    def test_a_stale_serial_is_refused(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        self.written(store_backend.open(PROVIDER, clock), "welcome")
        late = store_backend.open(PROVIDER, clock)
        with late.lock("vidspec plan"):
            read = late.load()
        self.written(store_backend.open(PROVIDER, clock), "intro")  # another command, serial 2
        with late.lock("vidspec apply"), pytest.raises(StateError, match="serial"):
            late.save(read.with_video("outro", video("outro", 9)))
        kept = store_backend.open(PROVIDER, clock).load()
        assert kept.serial == 2 and set(kept.videos) == {"welcome", "intro"}

    def test_another_lineage_is_refused(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        saved = self.written(store_backend.open(PROVIDER, clock), "welcome")
        store = store_backend.open(PROVIDER, clock)
        stranger = State.new(PROVIDER)
        stranger = State(lineage=stranger.lineage, provider=PROVIDER, serial=saved.serial)
        with store.lock("vidspec apply"):
            store.load()
            with pytest.raises(StateError, match="lineage"):
                store.save(stranger.with_video("intro", video("intro")))
        assert store_backend.open(PROVIDER, clock).load().lineage == saved.lineage

    def test_a_missing_state_beside_its_backup_is_not_read_as_new(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store = store_backend.open(PROVIDER, clock)
        self.written(store, "welcome")
        self.written(store, "intro")
        assert store_backend.read("backup") is not None
        store_backend.write("state", None)
        with pytest.raises(StateCorrupt, match="backup"):
            store_backend.open(PROVIDER, clock).load()

    def test_a_state_gone_since_it_was_read_is_not_written_as_new(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store = store_backend.open(PROVIDER, clock)
        self.written(store, "welcome")
        with store.lock("vidspec apply"):
            read = store.load()
            store_backend.write("state", None)
            with pytest.raises(StateError):
                store.save(read.with_video("intro", video("intro", 1)))
        assert store_backend.read("state") is None

    def test_replace_with_writes_lineage_and_serial_as_given(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        self.written(store_backend.open(PROVIDER, clock), "welcome")
        pushed = State(lineage=PUSHED_LINEAGE, provider=PROVIDER, serial=41)
        pushed = pushed.with_video("intro", video("intro"))
        store = store_backend.open(PROVIDER, clock)
        with store.lock("vidspec state push"):
            store.replace_with(pushed)
        again = store_backend.open(PROVIDER, clock).load()
        assert (again.lineage, again.serial, set(again.videos)) == (PUSHED_LINEAGE, 41, {"intro"})

    # --- the backup ----------------------------------------------------------------------

    def test_each_write_keeps_the_previous_version_as_a_backup_that_restores(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store = store_backend.open(PROVIDER, clock)
        first = self.written(store, "welcome")
        self.written(store, "intro")
        backup = stored(store_backend, "backup")
        assert backup.serial == 1 and backup.same_content(first)
        self.written(store, "outro")
        assert stored(store_backend, "backup").serial == 2
        restored = store_backend.read("backup")
        store_backend.write("state", restored)
        again = store_backend.open(PROVIDER, clock).load()
        assert again.serial == 2 and set(again.videos) == {"welcome", "intro"}

    # --- the lock ------------------------------------------------------------------------

    def test_the_lock_names_its_holder(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        assert other.lock_holder() is None and not store.holds_lock
        with store.lock("vidspec apply --auto-approve") as info:
            assert store.holds_lock and not other.holds_lock
            holder = other.lock_holder()
            assert holder is not None and holder.unreadable is None
            assert (holder.id, holder.command) == (info.id, "vidspec apply --auto-approve")
        assert not store.holds_lock and other.lock_holder() is None

    def test_a_held_lock_is_refused_naming_its_holder(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with store.lock("vidspec apply --auto-approve") as info:
            with pytest.raises(LockHeld) as refused, other.lock("vidspec plan"):
                pass
            assert refused.value.lock_id == info.id
            assert info.id in str(refused.value) and "vidspec apply --auto-approve" in str(
                refused.value
            )
            assert not other.holds_lock

    def test_a_held_lock_is_waited_for_on_the_clock_then_refused(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with store.lock("vidspec apply"):
            started = clock.monotonic()
            with pytest.raises(LockHeld), other.lock("vidspec plan", timeout=30):
                pass
            assert clock.monotonic() - started >= 30

    def test_a_released_lock_is_taken(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with store.lock("vidspec apply"):
            pass
        with other.lock("vidspec plan") as info:
            holder = store.lock_holder()
            assert holder is not None and holder.id == info.id

    def test_force_unlock_breaks_only_the_id_it_is_given(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with pytest.raises(StateError, match="nothing to unlock"):
            other.force_unlock("no-such-lock")
        with store.lock("vidspec apply") as info:
            with pytest.raises(StateError, match="does not match"):
                other.force_unlock("not-" + info.id)
            holder = other.lock_holder()
            assert holder is not None and holder.id == info.id
            assert other.force_unlock(info.id).id == info.id
            with other.lock("vidspec plan") as taken:
                holder = store.lock_holder()
                assert holder is not None and holder.id == taken.id

    def test_a_writer_whose_lock_was_broken_cannot_overwrite_the_next_holders_state(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        self.written(store_backend.open(PROVIDER, clock), "welcome")
        slow, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with slow.lock("vidspec apply") as info:
            read = slow.load()
            other.force_unlock(info.id)
            self.written(other, "intro")
            with pytest.raises(StateError):
                slow.save(read.with_video("outro", video("outro", 9)))
        kept = store_backend.open(PROVIDER, clock).load()
        assert kept.serial == 2 and set(kept.videos) == {"welcome", "intro"}

    def test_a_lock_whose_note_cannot_be_read_has_an_id_that_force_unlock_takes(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        store, other = store_backend.open(PROVIDER, clock), store_backend.open(PROVIDER, clock)
        with store.lock("vidspec apply") as info:
            store_backend.write("lock_note", b"\x00not a lock note{")
            holder = other.lock_holder()
            assert holder is not None and holder.unreadable
            assert holder.id and holder.id != info.id
            with pytest.raises(LockHeld) as refused, other.lock("vidspec plan"):
                pass
            assert refused.value.lock_id == holder.id
            assert other.force_unlock(holder.id).id == holder.id
            with other.lock("vidspec plan"):
                assert other.holds_lock

    # --- usage ---------------------------------------------------------------------------

    def test_the_months_usage_is_kept_beside_the_state_for_every_store(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        now, later = clock.now(), clock.now() + timedelta(days=31)
        first = store_backend.open(PROVIDER, clock)
        assert first.usage().used(now) == 0
        assert first.usage().add(3, now) == 3
        first.usage().add(2, later)
        second = store_backend.open(PROVIDER, clock).usage()
        assert (second.used(now), second.used(later)) == (3, 2)
        second.add(4, now, durable=False)
        second.flush()
        assert store_backend.open(PROVIDER, clock).usage().used(now) == 7

    def test_two_writers_counting_at_once_lose_no_count(
        self, store_backend: StoreBackend, clock: ManualClock
    ) -> None:
        now = clock.now()
        counters = [store_backend.open(PROVIDER, clock).usage() for _ in range(2)]
        for counter in counters:
            counter.used(now)  # both have read the same version before either writes
        start = threading.Barrier(len(counters))
        failures: list[BaseException] = []

        def count(counter_index: int) -> None:
            try:
                start.wait(timeout=10)
                for _ in range(5):
                    counters[counter_index].add(1, now)
            except BaseException as exc:  # reported by the test below
                failures.append(exc)

        threads = [threading.Thread(target=count, args=(i,)) for i in range(len(counters))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures
        assert store_backend.open(PROVIDER, clock).usage().used(now) == 10


__all__ = ["PROVIDER", "Part", "StateStoreContract", "StoreBackend", "stored", "video"]
