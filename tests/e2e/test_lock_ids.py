"""Issue 19 item 4: every lock has an ID vidspec can print, also one whose note it cannot read,
and ``force-unlock ID`` removes exactly that version.

S3 (moto's server): a lock object of garbage bytes, a truncated write, an older format: the ID
comes from its ETag, the held message names it (``vidspec force-unlock <md5>``), and
``force-unlock`` deletes that version only (``If-Match``). Local: a garbage or missing note
beside a held OS lock (held here through a second file descriptor, as another process would):
the ID comes from the note's bytes or the lock file, checked again before removing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import filelock
import pytest
from cli_run import Cli

from vidspec.core.errors import LockHeld, StateError
from vidspec.project.config import load_project
from vidspec.state import LocalStateStore, open_state_store

if TYPE_CHECKING:  # boto3 and moto only where the S3 tests run (the ``s3`` fixture)
    from s3_env import S3Env

LOCK = "marketing/state.json.lock"  # s3_env.KEY's lock object
BODIES = {
    "garbage": b"\x00\xff\x1b[31mnot json at all",
    "truncated": b'{"id": "3f6c", "user": "ci", "host": "run',
    "older format": b'{"holder": "ci@runner-7", "since": 1700000000}\n',
}


# --- S3 ------------------------------------------------------------------------------------


@pytest.fixture
def s3_root(s3: S3Env, tmp_path: Path) -> Path:
    s3.write_project(tmp_path)
    (tmp_path / "videos" / "main.yaml").write_text("videos: {}\n")
    return tmp_path


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_an_unreadable_s3_lock_is_named_by_its_etag_and_force_unlock_removes_it(
    s3: S3Env, s3_root: Path, cli: Cli, kind: str
) -> None:
    body = BODIES[kind]
    s3.client.put_object(Bucket=s3.bucket, Key=LOCK, Body=body)
    lock_id = hashlib.md5(body).hexdigest()  # the ETag S3 gives a single-part object
    code, _, err = cli(s3_root, "plan", "--no-refresh")
    assert code == 1
    assert f"ID:      {lock_id}" in err
    assert f"is not a vidspec lock note ({len(body)} bytes)" in err
    assert f"vidspec force-unlock {lock_id}" in err
    assert "\x1b[31m" not in err  # nothing of the body reaches the terminal
    code, out, err = cli(s3_root, "force-unlock", "-f", lock_id)
    assert code == 0, err
    assert "The lock was removed (its holder was unknown:" in out
    assert s3.body(LOCK) is None
    assert cli(s3_root, "plan", "--no-refresh")[0] == 0


def test_force_unlock_removes_only_the_version_its_id_names(
    s3: S3Env, s3_root: Path, cli: Cli
) -> None:
    s3.client.put_object(Bucket=s3.bucket, Key=LOCK, Body=BODIES["garbage"])
    with pytest.raises(LockHeld) as caught, s3.store(s3_root).lock("vidspec plan"):
        pass
    seen = caught.value.lock_id
    assert seen == hashlib.md5(BODIES["garbage"]).hexdigest()
    s3.client.put_object(Bucket=s3.bucket, Key=LOCK, Body=BODIES["truncated"])  # rewritten
    code, _, err = cli(s3_root, "force-unlock", "-f", seen)
    assert code == 1
    assert f"lock ID {seen} does not match the current lock" in err
    assert s3.body(LOCK) == BODIES["truncated"]  # the newer version stays


def test_a_readable_s3_lock_keeps_the_id_of_its_note(s3: S3Env, s3_root: Path) -> None:
    with s3.store(s3_root).lock("vidspec apply") as info:
        holder = s3.store(s3_root).lock_holder()
        assert holder == info and holder.unreadable is None


# --- the local lock ------------------------------------------------------------------------


@pytest.fixture
def local_root(tmp_path: Path) -> Path:
    (tmp_path / "vidspec.yaml").write_text("version: 1\nprovider: {kind: sandbox}\n")
    return tmp_path


@pytest.fixture
def held(local_root: Path) -> Iterator[filelock.FileLock]:
    """The OS lock held through another file descriptor: another process, as far as the
    store can tell (flock locks belong to the open file)."""
    work = local_root / ".vidspec"
    work.mkdir()
    other = filelock.FileLock(str(work / "lock"))
    other.acquire()
    yield other
    other.release()


def store_of(root: Path) -> LocalStateStore:
    return LocalStateStore(load_project(root))


def test_a_garbage_local_note_is_named_by_its_bytes_and_force_unlock_removes_it(
    local_root: Path, held: filelock.FileLock, cli: Cli
) -> None:
    note = local_root / ".vidspec" / "lock.info"
    note.write_bytes(BODIES["truncated"])
    with pytest.raises(LockHeld) as caught, store_of(local_root).lock("vidspec plan"):
        pass
    lock_id = caught.value.lock_id
    assert lock_id is not None and lock_id.startswith("n")
    message = str(caught.value)
    assert f"ID:      {lock_id}" in message and f"vidspec force-unlock {lock_id}" in message
    assert "is not a vidspec lock note (41 bytes)" in message
    code, out, err = cli(local_root, "force-unlock", "-f", lock_id)
    assert code == 0, err
    assert "its holder was unknown" in out
    assert not note.exists() and not (local_root / ".vidspec" / "lock").exists()
    with store_of(local_root).lock("vidspec apply") as mine:  # the hung holder blocks no one
        assert mine.unreadable is None


def test_a_held_local_lock_without_a_note_is_named_by_its_file(
    local_root: Path, held: filelock.FileLock, cli: Cli
) -> None:
    with pytest.raises(LockHeld) as caught, store_of(local_root).lock("vidspec plan"):
        pass
    lock_id = caught.value.lock_id
    assert lock_id is not None and lock_id.startswith("f")
    assert "held by a process that has not recorded who it is" in str(caught.value)
    assert f"vidspec force-unlock {lock_id}" in str(caught.value)
    assert cli(local_root, "force-unlock", "-f", lock_id)[0] == 0
    with store_of(local_root).lock("vidspec apply"):
        pass


def test_the_local_lock_is_checked_again_before_it_is_removed(
    local_root: Path, held: filelock.FileLock
) -> None:
    note = local_root / ".vidspec" / "lock.info"
    note.write_bytes(BODIES["garbage"])
    store = store_of(local_root)
    first = store.lock_holder()
    assert first is not None and first.unreadable is not None
    note.write_bytes(BODIES["older format"])  # another version since the ID was shown
    with pytest.raises(StateError, match=f"lock ID {first.id} does not match the current lock"):
        store.force_unlock(first.id)
    assert note.read_bytes() == BODIES["older format"]


def test_a_free_local_lock_has_no_holder(local_root: Path) -> None:
    store = store_of(local_root)
    with store.lock("vidspec plan"):
        pass
    assert (local_root / ".vidspec" / "lock").exists()  # the lock file stays, unheld
    assert open_state_store(load_project(local_root)).lock_holder() is None
