"""The state journal: a save appends one record (O(change)), a load replays what is not folded,
the lock folds it, and a killed command loses nothing that ``save`` acknowledged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from plan_fixtures import NOW, full_state, project, record, spec

from vidspec.core.errors import StateCorrupt
from vidspec.state import LocalStateStore, PendingRecord
from vidspec.state import journal as journal_module


def _store_with_state(tmp_path: Path) -> LocalStateStore:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        store.save(full_state())  # the first write of a new state is a full one
    return store


def test_a_save_appends_one_small_record_and_leaves_the_state_file_alone(tmp_path: Path) -> None:
    store = _store_with_state(tmp_path)
    with store.lock("test"):
        before = store.path.read_bytes()
        state = store.load()
        state = store.save(state.with_video("new", record("v9", spec(name="New"))))
        state = store.save(state.without_video("promo"))
        assert store.path.read_bytes() == before
        lines = store.journal.path.read_bytes().splitlines()
        assert len(lines) == 2
        first, second = (json.loads(line) for line in lines)
        assert first["serial"] == 2 and list(first["videos"]) == ["new"]
        assert second == {"lineage": state.lineage, "serial": 3, "videos": {"promo": None}}
        # Another reader (say a `plan` without the lock) sees the journal's changes.
        seen = LocalStateStore(project(tmp_path)).load()
        assert seen == state and seen.serial == 3
    assert not store.journal.exists()
    assert LocalStateStore(project(tmp_path)).load() == state


def test_pending_records_travel_in_the_journal(tmp_path: Path) -> None:
    store = _store_with_state(tmp_path)
    with store.lock("test"):
        state = store.load()
        pending = PendingRecord(
            "x", "create", "sha256:" + "1" * 64, {"video_name": "X"}, NOW, "sending"
        )
        state = store.save(replace(state, pending=(*state.pending, pending)))
        assert LocalStateStore(project(tmp_path)).load().pending == state.pending
        state = store.save(state.without_pending("x"))
        assert LocalStateStore(project(tmp_path)).load().pending == state.pending


def test_a_killed_command_loses_no_acknowledged_record_and_the_next_lock_folds(
    tmp_path: Path,
) -> None:
    store = _store_with_state(tmp_path)
    store._lock.acquire("apply")  # no `with`: the process "dies" holding the journal
    state = store.save(store.load().with_video("new", record("v9", spec(name="New"))))
    with open(store.journal.path, "ab") as handle:
        handle.write(b'{"lineage": "torn')  # a record whose save never returned
    store._lock.release()
    after = LocalStateStore(project(tmp_path))
    assert after.load() == state
    with after.lock("plan"):
        assert not after.journal.exists()  # folded at the start of the next command
        assert json.loads(after.path.read_text())["serial"] == state.serial
        assert json.loads(after.backup_path.read_text())["serial"] == 1
    assert after.load() == state


def test_records_already_folded_are_skipped(tmp_path: Path) -> None:
    # A crash between the fold's rename and the journal's removal leaves folded records.
    store = _store_with_state(tmp_path)
    store._lock.acquire("apply")
    state = store.save(store.load().with_video("new", record("v9", spec(name="New"))))
    journal = store.journal.path.read_bytes()
    store.fold()
    store.journal.path.write_bytes(journal)
    store._lock.release()
    assert LocalStateStore(project(tmp_path)).load() == state


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"not json\n", "is not valid JSON"),
        (b'{"lineage": "00000000-0000-4000-8000-000000000000", "serial": 2}\n', "lineage"),
        (None, "serial 5 does not follow 1"),
    ],
)
def test_a_journal_that_does_not_fit_is_corruption_naming_it(
    tmp_path: Path, line: bytes | None, problem: str
) -> None:
    store = _store_with_state(tmp_path)
    if line is None:
        lineage = store.load().lineage
        line = json.dumps({"lineage": lineage, "serial": 5, "videos": {}}).encode() + b"\n"
    store.journal.path.write_bytes(line)
    with pytest.raises(StateCorrupt, match=problem) as caught:
        LocalStateStore(project(tmp_path)).load()
    assert "state.json.journal" in str(caught.value)


def test_a_journal_without_its_state_file_is_refused(tmp_path: Path) -> None:
    store = _store_with_state(tmp_path)
    store.journal.path.write_bytes(b"{}\n")
    store.path.unlink()
    store.backup_path.unlink(missing_ok=True)
    with pytest.raises(StateCorrupt, match="journal"):
        LocalStateStore(project(tmp_path)).load()


def test_the_journal_is_folded_every_few_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vidspec.state.store.FOLD_EVERY", 3)
    store = _store_with_state(tmp_path)
    with store.lock("test"):
        state = store.load()
        for i in range(4):
            state = store.save(state.with_video(f"n{i}", record(f"w{i}", spec(name=f"N{i}"))))
        assert len(store.journal.path.read_bytes().splitlines()) == 1
        assert json.loads(store.path.read_text())["serial"] == state.serial - 1
    assert journal_module.FOLD_EVERY >= 100  # the shipped value keeps replays short


def test_a_change_is_encoded_alike_from_the_helpers_or_from_a_rebuilt_state() -> None:
    from vidspec.state.journal import encode_change

    before = full_state()
    after = before.with_video("new", record("v9", spec(name="New"))).without_video("promo")
    assert after.changes is not None and after.changes[1] == {"new", "promo"}
    rebuilt = replace(before, videos=dict(after.videos))  # no helper: every address looked at
    assert rebuilt.changes is None
    assert encode_change(before, after) == encode_change(before, rebuilt)
    assert encode_change(before, replace(before, pending=())) is not None
    assert encode_change(before, before) is None
