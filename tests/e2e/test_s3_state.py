"""The S3 state backend against moto's S3 server (real S3 requests over loopback HTTP).

Lock: created with If-None-Match (16 processes racing: exactly one holder), released by ETag,
force-unlocked by ID, waited for with backoff on the injected clock. State: written with
If-Match (a stale writer is refused and its state rescued), backup before each write, usage
counted beside it by every runner.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from s3_env import KEY, S3Env

from vidspec.core.clock import ManualClock
from vidspec.core.errors import LockHeld, StateConflict, StateError
from vidspec.core.videos import TaskState
from vidspec.project.config import load_project
from vidspec.state import ProviderRef, State, VideoRecord
from vidspec.state.s3lock import FIRST_POLL, MAX_POLL
from vidspec.state.s3store import S3StateStore

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def record(video_id: str) -> VideoRecord:
    return VideoRecord(
        id=video_id,
        status=TaskState.DONE,
        spec_hash="sha256:" + "0" * 64,
        spec={},
        name=video_id,
        created_at=NOW,
    )


def with_video(state: State, address: str, video_id: str) -> State:
    return state.with_video(address, record(video_id))


def test_first_write_creates_the_object_and_later_writes_keep_a_backup(
    s3: S3Env, tmp_path: Path
) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    assert not store.exists()
    with store.lock("test"):
        first = store.save(with_video(store.load(), "intro", "v1"))
        assert first.serial == 1
        assert s3.body(f"{KEY}.backup") is None  # nothing to back up on the first write
        second = store.save(with_video(first, "outro", "v2"))
    assert second.serial == 2
    stored = json.loads(s3.body(KEY) or b"")
    assert stored["serial"] == 2 and sorted(stored["videos"]) == ["intro", "outro"]
    backup = json.loads(s3.body(f"{KEY}.backup") or b"")
    assert backup["serial"] == 1 and sorted(backup["videos"]) == ["intro"]
    assert s3.keys() == [KEY, f"{KEY}.backup"]  # the lock object is gone after release
    assert s3.state(tmp_path).videos["outro"].id == "v2"


def test_unchanged_content_writes_nothing(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("test"):
        first = store.save(with_video(store.load(), "intro", "v1"))
        etag = s3.client.head_object(Bucket=s3.bucket, Key=KEY)["ETag"]
        assert store.save(first) == first
    assert s3.client.head_object(Bucket=s3.bucket, Key=KEY)["ETag"] == etag


def test_a_stale_writer_is_refused_and_its_state_rescued(s3: S3Env, tmp_path: Path) -> None:
    """Runner A's lock is broken while it works; B writes; A's next write must not clobber."""
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    a, b = s3.store(tmp_path / "a"), s3.store(tmp_path / "b")
    with a.lock("vidspec apply (runner A)") as held:
        state_a = a.save(with_video(a.load(), "intro", "v1"))
        b.force_unlock(held.id)
        with b.lock("vidspec apply (runner B)"):
            b.save(with_video(b.load(), "promo", "v9"))
        with pytest.raises(StateConflict) as caught:
            a.save(with_video(state_a, "outro", "v2"))
    message = str(caught.value)
    assert f"s3://{s3.bucket}/{KEY} was changed by someone else" in message
    assert "state.rescued.json" in message and "vidspec state push" in message
    stored = json.loads(s3.body(KEY) or b"")
    assert sorted(stored["videos"]) == ["intro", "promo"]  # B's state stands
    rescued = json.loads((tmp_path / "a" / ".vidspec" / "state.rescued.json").read_text())
    assert sorted(rescued["videos"]) == ["intro", "outro"]  # A's work is not lost
    assert rescued["lineage"] == stored["lineage"]


def test_a_retried_write_that_already_landed_is_not_a_conflict(s3: S3Env, tmp_path: Path) -> None:
    """A lost answer makes botocore send a conditional PUT twice; the second one meets the
    first one's object (412): the store reads back and sees its own write."""
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("test"):
        state = store.load()
        wanted = with_video(state, "intro", "v1")
        from dataclasses import replace

        s3.client.put_object(
            Bucket=s3.bucket, Key=KEY, Body=replace(wanted, serial=1).to_text().encode()
        )
        written = store.save(wanted)
    assert written.serial == 1 and s3.state(tmp_path).videos["intro"].id == "v1"


def test_another_lineage_is_refused(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("test"):
        store.save(with_video(store.load(), "intro", "v1"))
        other = State.new(ProviderRef(kind="sandbox", account=None))
        with pytest.raises(StateError, match="refusing to overwrite it with a state of lineage"):
            store.save(with_video(other, "x", "y"))


def test_a_write_needs_the_lock(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with pytest.raises(StateError, match="only while holding the lock"):
        store.save(store.load())


# --- the lock ----------------------------------------------------------------------------

RACER = """\
import sys
from vidspec.project.config import load_project
from vidspec.core.errors import LockHeld
from vidspec.state import open_state_store

store = open_state_store(load_project(sys.argv[1]))
print("READY", flush=True)
sys.stdin.readline()
try:
    with store.lock("racer " + sys.argv[2]) as info:
        print("WON", info.id, flush=True)
        sys.stdin.readline()  # hold until the test says so
except LockHeld as exc:
    print("HELD", exc.lock_id, flush=True)
"""


def test_sixteen_processes_racing_for_the_lock_get_exactly_one_holder(
    s3: S3Env, tmp_path: Path
) -> None:
    s3.write_project(tmp_path)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tmp_path), str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(16)
    ]
    try:
        for racer in racers:  # every one has its client ready before any starts
            assert racer.stdout is not None and racer.stdout.readline() == "READY\n"
        for racer in racers:
            assert racer.stdin is not None
            racer.stdin.write("go\n")
            racer.stdin.flush()
        answers = []
        for racer in racers:
            assert racer.stdout is not None
            answers.append(racer.stdout.readline().split())
        winners = [a for a in answers if a[0] == "WON"]
        assert len(winners) == 1, answers
        winner_id = winners[0][1]
        assert sorted(a for a, _ in answers) == ["HELD"] * 15 + ["WON"]
        assert all(lock_id == winner_id for _, lock_id in answers)  # each names the holder
        holder = s3.store(tmp_path).lock_holder()
        assert holder is not None and holder.id == winner_id
    finally:
        for racer in racers:
            _, err = racer.communicate(input="done\n", timeout=60)
            assert "Traceback" not in err, err
    assert s3.keys() == []  # the winner released its lock


def test_a_held_lock_fails_fast_naming_the_holder(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    a, b = s3.store(tmp_path / "a"), s3.store(tmp_path / "b")
    with a.lock("vidspec apply"), pytest.raises(LockHeld) as caught, b.lock("vidspec plan"):
        pass
    message = str(caught.value)
    assert f"The state s3://{s3.bucket}/{KEY} is locked by another vidspec command" in message
    assert "Command: vidspec apply" in message and "vidspec force-unlock" in message


def test_the_holder_names_its_ci_run(
    s3: S3Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/videos")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("vidspec apply") as info:
        body = json.loads(s3.body(f"{KEY}.lock") or b"")
        holder = s3.store(tmp_path).lock_holder()
    assert body["run_url"] == "https://github.com/acme/videos/actions/runs/4242"
    assert body["id"] == info.id and body["command"] == "vidspec apply"
    assert holder is not None and "CI run:  https://github.com/acme/videos" in holder.describe()


class SleepHook(ManualClock):
    """A manual clock that records its sleeps and runs ``hook`` at the n-th one (another
    runner finishing while this one waits)."""

    def __init__(self, after: int = 0, hook: Callable[[], None] | None = None) -> None:
        super().__init__(NOW)
        self.sleeps: list[float] = []
        self.after = after
        self.hook = hook

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.hook is not None and len(self.sleeps) == self.after:
            self.hook()
        super().sleep(seconds)


def test_waiting_for_a_lock_polls_with_backoff_on_the_clock(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    a = s3.store(tmp_path / "a")
    clock = SleepHook()
    b = S3StateStore(load_project(tmp_path / "b"), clock=clock)
    with (
        a.lock("vidspec apply"),
        pytest.raises(LockHeld, match=r"\(waited 60s\)"),
        b.lock("vidspec apply", timeout=60),
    ):
        pass
    assert clock.sleeps[:4] == [FIRST_POLL, 2 * FIRST_POLL, 4 * FIRST_POLL, 8 * FIRST_POLL]
    assert max(clock.sleeps) == MAX_POLL
    assert sum(clock.sleeps) == pytest.approx(60)


def test_a_waiting_runner_gets_the_lock_when_the_holder_releases_it(
    s3: S3Env, tmp_path: Path
) -> None:
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    lock_a = s3.store(tmp_path / "a").lock("vidspec apply (first job)")
    lock_a.__enter__()
    clock = SleepHook(after=3, hook=lambda: lock_a.__exit__(None, None, None))
    b = S3StateStore(load_project(tmp_path / "b"), clock=clock)
    with b.lock("vidspec apply (second job)", timeout=300) as info:
        holder = s3.store(tmp_path / "a").lock_holder()
        assert holder is not None and holder.id == info.id
    assert len(clock.sleeps) == 3  # it took the lock at the first poll after the release


def test_release_deletes_only_the_lock_this_runner_created(s3: S3Env, tmp_path: Path) -> None:
    """A's lock is forced away and B takes it: A's release must leave B's lock alone."""
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    a, b = s3.store(tmp_path / "a"), s3.store(tmp_path / "b")
    lock_a = a.lock("vidspec apply (hung)")
    info_a = lock_a.__enter__()
    broken = b.force_unlock(info_a.id)
    assert broken.id == info_a.id and broken.command == "vidspec apply (hung)"
    with b.lock("vidspec apply (next)") as info_b:
        lock_a.__exit__(None, None, None)  # the hung runner wakes up and releases
        holder = b.lock_holder()
        assert holder is not None and holder.id == info_b.id
    assert b.lock_holder() is None


def test_force_unlock_refuses_a_wrong_id_and_shows_the_holder(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path)
    store = s3.store(tmp_path)
    with store.lock("vidspec apply") as info:
        with pytest.raises(StateError) as caught:
            s3.store(tmp_path).force_unlock("not-the-id")
        assert "does not match the current lock" in str(caught.value)
        assert info.id in str(caught.value) and "Command: vidspec apply" in str(caught.value)
    with pytest.raises(StateError, match="nothing to unlock"):
        store.force_unlock(info.id)


# --- usage -------------------------------------------------------------------------------


def test_usage_counts_of_many_runners_add_up(s3: S3Env, tmp_path: Path) -> None:
    s3.write_project(tmp_path / "a")
    s3.write_project(tmp_path / "b")
    stores = [s3.store(tmp_path / "a"), s3.store(tmp_path / "b")] * 3

    def count(store: S3StateStore) -> None:
        for _ in range(5):
            store.usage().add(2, NOW)

    threads = [threading.Thread(target=count, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert s3.store(tmp_path / "a").usage().used(NOW) == 6 * 5 * 2
    assert json.loads(s3.body(f"{KEY}.usage") or b"") == {"2026-11": 60}
    assert not (tmp_path / "a" / ".vidspec" / "usage.json").exists()  # not a local count
