"""The project lock: a holder in another process is named, waits are clock-driven, and
force-unlock breaks only the lock whose ID it is given."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from vidspec.core.clock import ManualClock
from vidspec.core.errors import LockHeld, StateError
from vidspec.project.config import Project, ProviderConfig
from vidspec.state import LocalStateStore, ProjectLock


def project(root: Path) -> Project:
    return Project(
        root=root,
        file=root / "vidspec.yaml",
        provider=ProviderConfig(kind="cdnvideo", account="acme"),
        state_path=root / ".vidspec" / "state.json",
    )


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the project's lock until its stdin closes."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from vidspec.state import ProjectLock
        root = Path({str(tmp_path)!r}) / ".vidspec"
        lock = ProjectLock(root / "lock", root / "lock.info")
        info = lock.acquire("vidspec apply --auto-approve")
        print(info.id, flush=True)
        sys.stdin.read()
        lock.release()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the lock is held once its id is printed
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=10)


def test_lock_held_by_another_process_names_the_holder(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    store = LocalStateStore(project(tmp_path))
    with pytest.raises(LockHeld) as caught, store.lock("vidspec plan"):
        pass
    message = str(caught.value)
    info = store.lock_holder()
    assert info is not None and info.pid == holder.pid
    assert f"pid {holder.pid}" in message
    assert "Command: vidspec apply --auto-approve" in message
    assert f"ID:      {info.id}" in message
    assert f"vidspec force-unlock {info.id}" in message
    assert caught.value.lock_id == info.id


def test_item10_20_a_lock_without_its_note_has_an_id_force_unlock_takes(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    """Issue 10 item 20, issue 19 item 4: no note, still an ID (the lock file's), which
    force-unlock takes: the next command locks a fresh file."""
    work = tmp_path / ".vidspec"
    (work / "lock.info").unlink()
    store = LocalStateStore(project(tmp_path))
    with pytest.raises(LockHeld) as caught, store.lock("vidspec plan"):
        pass
    lock_id = caught.value.lock_id
    assert lock_id is not None
    assert str(caught.value) == (
        "The state is locked by another vidspec command:\n"
        f"  ID:      {lock_id}\n"
        f"  Holder:  unknown: the lock {work / 'lock'} is held by a process that has not "
        f"recorded who it is in {work / 'lock.info'}\n"
        "  Since:   unknown\n"
        "  Wait for it to finish (or pass --lock-timeout 5m), or, if that process is gone, "
        f"run: vidspec force-unlock {lock_id}"
    )
    store.force_unlock(lock_id)
    assert not (work / "lock").exists()
    with store.lock("vidspec plan") as info:
        assert store.lock_holder() == info


def test_lock_timeout_waits_on_the_clock_then_gives_up(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    clock = ManualClock()
    store = LocalStateStore(project(tmp_path), clock=clock)
    start = clock.monotonic()
    with pytest.raises(LockHeld, match=r"waited 5s"), store.lock("vidspec plan", timeout=5):
        pass
    assert clock.monotonic() - start >= 5


class _ReleasingClock(ManualClock):
    """Releases another lock the first time the waiter sleeps: the holder finishing."""

    def __init__(self, other: ProjectLock) -> None:
        super().__init__()
        self.other = other
        self.sleeps = 0

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.other.release()
        super().sleep(seconds)


def test_lock_timeout_gets_the_lock_once_the_holder_is_done(tmp_path: Path) -> None:
    work = tmp_path / ".vidspec"
    first = ProjectLock(work / "lock", work / "lock.info")
    first.acquire("vidspec apply")
    clock = _ReleasingClock(first)
    store = LocalStateStore(project(tmp_path), clock=clock)
    with store.lock("vidspec plan", timeout=30) as info:
        assert info.command == "vidspec plan"
        assert store.lock_holder() == info
    assert clock.sleeps == 1
    assert store.lock_holder() is None  # the note goes with the lock


def test_lock_is_not_reentrant_and_is_released_on_error(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    with pytest.raises(RuntimeError), store.lock("one"):
        raise RuntimeError("boom")
    with store.lock("two"), pytest.raises(StateError, match="already holds"):
        store._lock.acquire("three")


def test_force_unlock_refuses_a_wrong_id_and_breaks_the_right_one(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    store = LocalStateStore(project(tmp_path))
    info = store.lock_holder()
    assert info is not None
    with pytest.raises(StateError, match="does not match the current lock"):
        store.force_unlock("00000000-0000-0000-0000-000000000000")
    assert store.lock_holder() == info
    broken = store.force_unlock(info.id)
    assert broken == info
    with store.lock("vidspec apply") as mine:  # the hung holder no longer blocks anyone
        assert mine.id != info.id


def test_force_unlock_without_a_lock_says_so(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="nothing to unlock"):
        LocalStateStore(project(tmp_path)).force_unlock("abc")
