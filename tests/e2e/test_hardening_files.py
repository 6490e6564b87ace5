"""Issue 10, local half: files vidspec reads back (plan files, the state, the lock) cannot be
turned against the account or the user, and say clearly what is wrong with them.

Each test names the item of issue 10 it covers; the real CLI runs in-process against a CDNvideo
emulator on loopback, on the emulator's clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from apply_env import ApplyEnv, edit_plan, make_env, simple_videos
from cli_run import Cli
from plan_fixtures import NOW, record, spec, state

from vidspec.plan import Action, Adopt, Delete, Forget, Move, Plan, PlanCost, Rename
from vidspec.plan.saved import foreign_ids, plan_checksum
from vidspec.state import LocalStateStore, PendingRecord


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def _plan_to_delete_one(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Two managed videos, the manifest now wants one: plan.json deletes video-01."""
    videos = simple_videos(2)
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    env.write_videos({"video-00": videos["video-00"]})
    code, _, err = env.run("plan", "-o", "plan.json")
    assert code == 0, err
    doc: dict[str, object] = json.loads((env.root / "plan.json").read_text(encoding="utf-8"))
    return doc


def test_item7_an_edited_plan_file_is_refused_by_its_checksum(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _plan_to_delete_one(env, monkeypatch)
    stranger = env.server.world.add_video(video_name="Made by hand").id
    text = (env.root / "plan.json").read_text(encoding="utf-8")
    (action,) = doc["actions"]  # type: ignore[misc]
    edited = text.replace(action["video_id"], stranger)
    assert edited != text
    (env.root / "plan.json").write_text(edited, encoding="utf-8")
    mark = len(env.server.request_log)
    code, out, err = env.run("apply", "plan.json")
    assert (code, out) == (1, "")
    assert err == (
        f"Error: {env.root / 'plan.json'}: the plan file does not match its checksum: it was "
        "edited after `vidspec plan -o` wrote it\n"
        "  Apply only a plan as vidspec wrote it: make a new one with vidspec plan -o FILE, "
        "review it, and apply that file.\n"
    )
    assert env.server.request_log[mark:] == []  # refused before any request
    # a plan file without a checksum at all (hand-made, or an older vidspec's)
    del doc["saved"]["checksum"]  # type: ignore[attr-defined]
    (env.root / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = env.run("apply", "plan.json")
    assert code == 1
    assert err.startswith(f"Error: {env.root / 'plan.json'}: the plan file has no checksum: it")


def test_item7_a_plan_file_may_only_touch_the_ids_the_state_holds(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone can compute a checksum: the delete's id must be the state's for that address."""
    doc = _plan_to_delete_one(env, monkeypatch)
    stranger = env.server.world.add_video(video_name="Made by hand").id
    code, _, err = env.run("plan", "-o", "plan.json")  # listing moved
    assert code == 0, err
    doc = json.loads((env.root / "plan.json").read_text(encoding="utf-8"))
    (action,) = doc["actions"]
    managed = action["video_id"]
    action["video_id"] = action["remote_id"] = stranger
    doc["saved"]["checksum"] = plan_checksum(doc)
    (env.root / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = env.run("apply", "plan.json")
    assert (code, out) == (1, "")
    assert err == (
        "Error: plan.json names videos the state does not manage at those addresses:\n"
        f"  delete video-01: video {stranger}, but the state records {managed} there\n"
        "  A plan file is applied as `vidspec plan -o` wrote it; make a new plan "
        "(vidspec plan -o plan.json), review it, and apply that file.\n"
    )
    assert stranger in env.server.world.videos
    assert "DELETE" not in [method for method, _, _ in env.server.request_log]


def test_item7_an_untouched_plan_file_still_applies(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan_to_delete_one(env, monkeypatch)
    code, out, err = env.run("apply", "plan.json")
    assert code == 0, err
    assert "1 deleted." in out


NESTED = "[" * 100_000 + "]" * 100_000


def test_item13_a_plan_file_of_deeply_nested_brackets_is_a_clear_error(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    (env.root / "plan.json").write_text(NESTED, encoding="utf-8")
    for command in ("apply", "show"):
        code, out, err = env.run(command, "plan.json")
        assert (code, out) == (1, "")
        assert err == (
            f"Error: {env.root / 'plan.json'}: not a vidspec plan file (it is nested too deeply)\n"
            "  A plan file is what `vidspec plan -o FILE` writes; make a new one.\n"
        )


def test_item13_a_state_of_deeply_nested_brackets_is_a_clear_error(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    (env.root / ".vidspec").mkdir()
    (env.root / ".vidspec" / "state.json").write_text(NESTED, encoding="utf-8")
    code, out, err = env.run("plan")
    assert (code, out) == (1, "")
    state = env.root / ".vidspec" / "state.json"
    assert err.startswith(f"Error: {state} is not a vidspec state: it is nested too deeply\n")
    assert "Traceback" not in err


def test_item13_the_request_count_and_the_lock_note_too(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    work = env.root / ".vidspec"
    work.mkdir()
    (work / "usage.json").write_text(NESTED, encoding="utf-8")
    code, _, err = env.run("plan")
    assert code == 1
    assert err.startswith(
        f"Error: {work / 'usage.json'} is not a map of month to count: it is nested too deeply\n"
    )
    (work / "usage.json").unlink()
    (work / "lock.info").write_text(NESTED, encoding="utf-8")  # a note nobody can read
    assert LocalStateStore(env.project).lock_holder() is None
    code, _, err = env.run("plan")
    assert code == 0, err


def test_item3_apply_refuses_a_protected_download_whatever_the_plan_file_says(
    env: ApplyEnv,
) -> None:
    """The manifests are checked at validate and plan; apply checks the path again before it
    writes, so a forged plan file cannot aim a video at .git/config either."""
    videos = simple_videos(1)
    videos["video-00"]["download"] = "out/video.mp4"
    env.write_videos(videos)
    (env.root / ".git").mkdir()
    (env.root / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    assert env.run("plan", "-o", "plan.json")[0] == 0

    def aim_at_git(doc: dict[str, list[dict[str, str]]]) -> None:
        doc["actions"][0]["download"] = ".git/config"

    edit_plan(env, aim_at_git)
    code, out, _ = env.run("apply", "plan.json")
    assert code == 1
    made = env.state().videos["video-00"].id
    assert (
        f"video-00  create  failed  id {made}; generated, but saving .git/config failed: "
        "download path '.git/config' is inside .git/, git's own directory; nothing was "
        "written\n" in out
    )
    assert (env.root / ".git" / "config").read_text(encoding="utf-8") == "[core]\n"


def test_item10_a_body_that_cannot_be_encoded_is_a_local_error_not_a_lost_answer(
    env: ApplyEnv,
) -> None:
    """NaN is refused at validate; a plan file can still carry one: nothing is sent, no
    pending record is written, and the reason is said."""
    env.write_videos(simple_videos(1))
    assert env.run("plan", "-o", "plan.json")[0] == 0

    def nan_scale(doc: dict[str, list[dict[str, dict[str, object]]]]) -> None:
        doc["actions"][0]["spec"]["composition"] = {"scale": float("nan")}

    edit_plan(env, nan_scale)
    mark = len(env.server.request_log)
    code, out, _ = env.run("apply", "plan.json")
    assert code == 1
    assert (
        "video-00  create  failed  the request body cannot be encoded as JSON (Out of range "
        "float values are not JSON compliant); nothing was sent\n" in out
    )
    assert "POST" not in [method for method, _, _ in env.server.request_log[mark:]]
    assert env.state().pending == ()
    assert env.state().videos == {}


def test_item7_every_kind_of_action_is_checked_against_the_state() -> None:
    """``foreign_ids`` alone: moves first (a later action names the new address), adopted
    ids must be listed and unmanaged, superseded ids must be the record's previous ones."""
    body = spec()
    held = state(
        {"a": record("id-a", body, previous=("id-old",)), "c": record("id-c", body)},
        pending=(
            PendingRecord(address="p", action="create", spec_hash="h", spec=body, started_at=NOW),
        ),
    )

    def ids(*actions: Action) -> list[str]:
        return foreign_ids(Plan(actions=actions, cost=PlanCost()), held, {"id-new", "id-a"})

    move = Move(address="b", from_address="a", reason="moved", video_id="id-a")
    rename = Rename(address="b", reason="", video_id="id-a", name="N", spec=body, spec_hash="h")
    old = Delete(address="b", reason="", video_id="id-old", superseded=True)
    adopt = Adopt(
        address="p", reason="", video_id="id-new", spec=body, spec_hash="h", status="done"
    )
    assert ids(move, rename, old, adopt) == []
    assert ids(rename) == ["rename b: video id-a, but the state records no video there"]
    assert ids(Move(address="c", from_address="a", reason="", video_id="id-a")) == [
        "move c: video id-a, but the state's 'a' holds id-a; the new address is taken"
    ]
    assert ids(Delete(address="a", reason="", video_id="id-c", superseded=True)) == [
        "delete a: video id-c, but the state's superseded videos there are id-old"
    ]
    assert ids(replace(adopt, video_id="id-a"), replace(adopt, address="c")) == [
        "adopt c: video id-new, which is not a listed, unmanaged video for a create of this "
        "address in flight",
        "adopt p: video id-a, which is not a listed, unmanaged video for a create of this "
        "address in flight",
    ]
    assert ids(Forget(address="c", reason="", video_id="id-a")) == [
        "forget c: video id-a, but the state records id-c there"
    ]
