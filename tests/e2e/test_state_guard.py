"""One ``check_write`` for every store: the same condition raises the same error in the local
file and in S3 (they had drifted: a serial that moved raised ``StateError`` locally and
``StateConflict`` on S3). Another lineage is ``StateError`` (two states, nothing to retry);
a state changed or gone since it was read is ``StateConflict`` (someone else wrote)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from vidspec.core.errors import StateConflict, StateCorrupt, StateError
from vidspec.core.videos import TaskState
from vidspec.project.config import load_project
from vidspec.state import LocalStateStore, State, StateStore, VideoRecord, open_state_store
from vidspec.state.s3store import S3StateStore


def record(video_id: str) -> VideoRecord:
    return VideoRecord(
        id=video_id,
        status=TaskState.DONE,
        spec_hash="sha256:" + "0" * 64,
        spec={},
        name=video_id,
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )


def local_store(root: Path) -> StateStore:
    (root / "vidspec.yaml").write_text('version: 1\nmanifests: ["videos/*.yaml"]\n')
    return open_state_store(load_project(root))


@pytest.fixture(params=["local", "s3"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[StateStore, StateStore]:
    """Two stores of one state (two runners)."""
    if request.param == "local":
        return local_store(tmp_path), local_store(tmp_path)
    pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
    s3: Any = request.getfixturevalue("s3")
    s3.write_project(tmp_path)
    return s3.store(tmp_path), s3.store(tmp_path)


def test_a_serial_that_moved_is_a_conflict(stores: tuple[StateStore, StateStore]) -> None:
    mine, theirs = stores
    with mine.lock("test"):
        read = mine.save(mine.load().with_video("a", record("v1")))
    with theirs.lock("test"):
        theirs.save(theirs.load().with_video("b", record("v2")))
    with mine.lock("test"), pytest.raises(StateConflict, match="since this command read it"):
        mine.save(read.with_video("c", record("v3")))


def test_another_lineage_is_a_state_error_not_a_conflict(
    stores: tuple[StateStore, StateStore],
) -> None:
    mine, _ = stores
    with mine.lock("test"):
        saved = mine.save(mine.load().with_video("a", record("v1")))
        stranger = replace(State.new(saved.provider), serial=saved.serial)
        with pytest.raises(StateError, match="lineage") as caught:
            mine.save(stranger.with_video("b", record("v2")))
    assert not isinstance(caught.value, StateConflict)
    assert "two different states" in str(caught.value)


def test_a_state_gone_since_it_was_read_is_a_conflict(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    with store.lock("test"):
        read = store.save(store.load().with_video("a", record("v1")))
        store.fold()
    for name in ("state.json", "state.json.backup"):
        (tmp_path / ".vidspec" / name).unlink(missing_ok=True)
    with store.lock("test"), pytest.raises(StateConflict, match="is gone"):
        store.save(read.with_video("b", record("v2")))


def test_no_state_but_a_backup_is_refused_alike(
    stores: tuple[StateStore, StateStore],
) -> None:
    mine, _ = stores
    with mine.lock("test"):
        first = mine.save(mine.load().with_video("a", record("v1")))
        mine.save(first.with_video("b", record("v2")))
    if isinstance(mine, LocalStateStore):  # the state goes; its backup stays
        mine.path.unlink()
        mine.journal.clear()
    else:
        assert isinstance(mine, S3StateStore)
        mine.objects.delete(mine.key)
    with pytest.raises(StateCorrupt, match="is missing but its backup"):
        mine.load()
