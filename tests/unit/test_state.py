"""The state store: JSON form, atomic writes with backup, serial/lineage, corrupt and foreign
states, and the monthly request count."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from plan_fixtures import NOW, full_state, project, record, spec

from vidspec.core.errors import StateConflict, StateCorrupt, StateError, StateMismatch
from vidspec.state import (
    DownloadRecord,
    LocalStateStore,
    ProviderRef,
    State,
    StateFormatError,
)
from vidspec.state.usage import MonthlyUsage, month_key

# --- the value ------------------------------------------------------------------------------


def test_state_round_trips_through_json() -> None:
    state = full_state()
    again = State.from_json(json.loads(state.to_text()))
    assert again == state
    assert again.videos["welcome"].download == DownloadRecord("out/welcome.mp4", 1234, "ab" * 32)
    assert again.managed_ids() == {"v0": "welcome", "v1": "welcome", "v2": "promo"}


def test_state_text_is_sorted_indented_and_ends_with_a_newline() -> None:
    text = full_state().to_text()
    assert text.endswith("}\n")
    assert text.startswith('{\n  "format_version": 1,\n  "lineage": ')
    doc = json.loads(text)
    assert list(doc) == sorted(doc)
    assert list(doc["videos"]) == ["promo", "welcome"]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("lineage"), "lineage: missing"),
        (lambda d: d.update(serial="7"), "serial: expected an integer, got a string"),
        (lambda d: d.update(serial=True), "serial: expected an integer, got a boolean"),
        (lambda d: d.update(format_version=2), "format_version"),
        (lambda d: d.update(lineage="not-a-uuid"), "lineage: 'not-a-uuid' is not a UUID"),
        (lambda d: d["videos"]["welcome"].update(status="melting"), "videos.welcome.status"),
        (lambda d: d["videos"]["welcome"].update(created_at="yesterday"), "created_at"),
        (lambda d: d["pending"][0].update(action="explode"), "pending[0].action"),
        (lambda d: d.update(videos=[]), "videos: expected an object, got a list"),
    ],
)
def test_invalid_documents_name_the_field(mutate: object, where: str) -> None:
    doc = json.loads(full_state().to_text())
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(StateFormatError, match=where.replace("[", r"\[").replace("]", r"\]")):
        State.from_json(doc)


# --- the store ------------------------------------------------------------------------------


def test_missing_state_loads_empty_with_a_new_lineage_and_writes_nothing(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    first, second = store.load(), store.load()
    assert first.videos == {} and first.serial == 0
    assert first.provider == ProviderRef("cdnvideo", "acme")
    assert first.lineage != second.lineage
    assert not store.path.exists()


def test_save_requires_the_lock(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    with pytest.raises(StateError, match="only while holding the lock"):
        store.save(store.load())


def test_save_writes_atomically_bumps_serial_only_on_change_and_keeps_a_backup(
    tmp_path: Path,
) -> None:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        empty = store.load()
        first = store.save(empty.with_video("welcome", record("v1", spec())))
        assert first.serial == 1
        assert not store.backup_path.exists()  # nothing to back up on the first write
        text = store.path.read_text()
        assert json.loads(text)["serial"] == 1 and text.endswith("\n")

        same = store.save(first)
        assert same.serial == 1 and store.path.read_text() == text

        second = store.save(first.with_video("promo", record("v2", spec(name="Promo"))))
        assert second.serial == 2
        assert store.path.read_text() == text  # the change went to the journal
        assert store.load() == second
    # Releasing the lock folds the journal: a full atomic write, the previous file backed up.
    assert json.loads(store.backup_path.read_text())["serial"] == 1
    assert json.loads(store.path.read_text())["serial"] == 2 and not store.journal.exists()
    assert store.load() == second
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_save_refuses_another_lineage_or_a_stale_serial(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        saved = store.save(store.load().with_video("a", record("v1", spec())))
        stranger = State.new(ProviderRef("cdnvideo", "acme"))
        with pytest.raises(StateError, match="lineage"):
            store.save(replace(stranger, serial=saved.serial))
        store.save(saved.without_video("a"))  # serial 2 on disk now
        with pytest.raises(StateConflict, match="changed since this command read it"):
            store.save(saved.with_video("b", record("v2", spec())))


def test_corrupt_state_is_an_error_naming_the_backup_and_is_left_alone(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        first = store.save(store.load().with_video("a", record("v1", spec())))
        store.save(first.with_video("b", record("v2", spec())))
    store.path.write_text('{"format_version": 1, "lineage": ')
    with pytest.raises(StateCorrupt) as caught:
        store.load()
    message = str(caught.value)
    assert "state.json is not valid JSON (line 1 column" in message
    assert "state.json.backup" in message and "cp " in message
    assert store.path.read_text() == '{"format_version": 1, "lineage": '
    with store.lock("test"), pytest.raises(StateCorrupt):
        store.save(first)  # never overwrites a corrupt file either


def test_invalid_state_names_the_field_and_says_there_is_no_backup(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    store.path.parent.mkdir(parents=True)
    doc = json.loads(full_state().to_text())
    doc["videos"]["welcome"]["id"] = 7
    store.path.write_text(json.dumps(doc))
    with pytest.raises(StateCorrupt) as caught:
        store.load()
    assert "videos.welcome.id: expected a string, got an integer" in str(caught.value)
    assert "there is no" in str(caught.value) and "state.json.backup yet" in str(caught.value)


def test_missing_state_with_a_backup_is_not_silently_empty(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        first = store.save(store.load().with_video("a", record("v1", spec())))
        store.save(first.without_video("a"))
    store.path.unlink()
    with pytest.raises(StateCorrupt, match="is missing but its backup"):
        store.load()


def test_unreadable_state_is_corrupt(tmp_path: Path) -> None:
    store = LocalStateStore(project(tmp_path))
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(StateCorrupt, match="cannot be read"):
        store.load()


@pytest.mark.parametrize(
    ("kind", "account"), [("cdnvideo", "other"), ("sandbox", None), ("vidnoz", None)]
)
def test_state_of_another_provider_or_account_is_refused(
    tmp_path: Path, kind: str, account: str | None
) -> None:
    store = LocalStateStore(project(tmp_path))
    with store.lock("test"):
        store.save(store.load().with_video("a", record("v1", spec())))
    with pytest.raises(StateMismatch) as caught:
        LocalStateStore(project(tmp_path, kind, account)).load()
    assert "was made for cdnvideo (account acme)" in str(caught.value)


# --- monthly usage --------------------------------------------------------------------------


def test_monthly_usage_counts_per_utc_month(tmp_path: Path) -> None:
    usage = MonthlyUsage(tmp_path / ".vidspec" / "usage.json")
    assert usage.used(NOW) == 0
    assert usage.add(3, NOW) == 3
    assert usage.add(4, NOW) == 7
    next_month = NOW + timedelta(days=30)
    assert usage.add(1, next_month) == 1
    assert usage.used(NOW) == 7
    assert json.loads(usage.path.read_text()) == {month_key(NOW): 7, "2026-12": 1}
    assert usage.add(0, NOW) == 7


def test_corrupt_usage_file_says_it_can_be_deleted(tmp_path: Path) -> None:
    usage = MonthlyUsage(tmp_path / "usage.json")
    usage.path.write_text('{"2026-11": "lots"}')
    with pytest.raises(StateCorrupt, match="delete it to start counting from zero"):
        usage.used(NOW)
