"""``vidspec state list | show | rm | mv``: the real CLI on a real state file.

The project points at a CDNvideo emulator so a test can check that editing the state never
sends a request (the remote videos stay as they are).
"""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from vidspec.cli import main
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer
from vidspec.project.config import load_project
from vidspec.project.model import spec_hash
from vidspec.state import LocalStateStore, PendingRecord, ProjectLock, State, VideoRecord

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BODY: dict[str, Any] = {
    "video_name": "Welcome",
    "script": "Hello.",
    "actor": {"name": "Natalia", "shot": "waist"},
    "voice": "Sara",
}


class Project:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        self.state_file = root / ".vidspec" / "state.json"

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(self.root), *args])
        out = self.capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), out.out, out.err

    def store(self) -> LocalStateStore:
        return LocalStateStore(load_project(self.root))

    def load(self) -> State:
        return self.store().load()

    def save(self, state: State) -> None:
        store = self.store()
        with store.lock("test"):
            store.save(state)


def record(video_id: str, status: TaskState = TaskState.DONE, **over: Any) -> VideoRecord:
    fields: dict[str, Any] = {
        "id": video_id,
        "status": status,
        "spec_hash": spec_hash(BODY),
        "spec": BODY,
        "name": "Welcome",
        "created_at": T0,
        "expires_at": T0 + timedelta(days=30),
    }
    fields.update(over)
    return VideoRecord(**fields)


@pytest.fixture
def project(
    tmp_path: Path, emulator: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> Project:
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text(
        textwrap.dedent(
            f"""\
            version: 1
            provider: {{kind: cdnvideo, account: acme, base_url: {emulator.base_url},
                        token: env/CDN_TOKEN}}
            manifests: ["videos/*.yaml"]
            """
        )
    )
    (tmp_path / "videos" / "main.yaml").write_text(
        textwrap.dedent(
            """\
            videos:
              welcome:
                video_name: Welcome
                script: Hello.
                actor: {name: Natalia, shot: waist}
                voice: Sara
            """
        )
    )
    return Project(tmp_path, capsys)


@pytest.fixture
def managed(project: Project, emulator: EmulatorServer) -> Project:
    """Two managed videos (welcome, promo) and a pending create (outro); the remote videos
    exist in the emulator."""
    welcome = emulator.world.add_video(id="vid-welcome", video_name="Welcome", script="Hello.")
    promo = emulator.world.add_video(id="vid-promo", video_name="Promo", script="Buy.")
    state = project.load().with_video("welcome", record(welcome.id))
    state = state.with_video(
        "promo", record(promo.id, TaskState.RUNNING, expires_at=None, previous=("vid-old",))
    )
    state = state.with_pending(PendingRecord("outro", "create", "sha256:x", BODY, T0))
    project.save(state)
    return project


# --- list and show --------------------------------------------------------------------------


def test_list_shows_addresses_with_id_status_and_expiry(managed: Project) -> None:
    code, out, err = managed.run("state", "list")
    assert code == 0, err
    assert out == (
        "ADDRESS  ID           STATUS                    EXPIRES\n"
        "outro    -            pending create (unknown)  -\n"
        "promo    vid-promo    running                   -\n"
        "welcome  vid-welcome  done                      2026-12-02T09:00:00Z\n"
    )


def test_list_without_state_says_so_on_stderr(project: Project) -> None:
    assert project.run("state", "list") == (
        0,
        "",
        "No state yet: " + str(project.state_file) + " does not exist.\n",
    )


def test_show_prints_the_record_as_json(managed: Project) -> None:
    code, out, err = managed.run("state", "show", "welcome")
    assert code == 0, err
    # url: the link the last refresh saw (none here: nothing was listed)
    assert json.loads(out) == {"address": "welcome", **record("vid-welcome").to_json(), "url": None}
    code, out, _ = managed.run("state", "show", "outro")
    assert json.loads(out)["pending"][0]["action"] == "create"


def test_show_of_an_unknown_address_names_the_known_ones(managed: Project) -> None:
    code, out, err = managed.run("state", "show", "nope")
    assert (code, out) == (1, "")
    assert "Error: nope is not in the state" in err
    assert "(here: promo, welcome)" in err


# --- rm -------------------------------------------------------------------------------------


def test_rm_stops_managing_and_leaves_the_video(managed: Project, emulator: EmulatorServer) -> None:
    before = managed.state_file.read_text()
    code, out, err = managed.run("state", "rm", "promo", "outro")
    assert code == 0, err
    assert out == (
        "Removed promo (video vid-promo and superseded vid-old) from the state.\n"
        "Removed outro (a pending create, no video yet) from the state.\n"
    )
    assert "The videos themselves stay in the account" in err
    state = managed.load()
    assert sorted(state.videos) == ["welcome"]
    assert state.pending == ()
    assert state.serial == 2
    backup = managed.state_file.with_name("state.json.backup")
    assert backup.read_text() == before
    assert "vid-promo" in emulator.world.videos
    assert emulator.request_log == []  # nothing was asked of the service


def test_rm_warns_when_a_manifest_still_wants_the_address(managed: Project) -> None:
    code, _, err = managed.run("state", "rm", "welcome")
    assert code == 0
    assert "Warning: welcome is still in a manifest: the next plan creates it again" in err


def test_rm_of_an_unknown_address_changes_nothing(managed: Project) -> None:
    before = managed.state_file.read_bytes()
    code, out, err = managed.run("state", "rm", "promo", "nope")
    assert (code, out) == (1, "")
    assert "nope is not in the state" in err
    assert managed.state_file.read_bytes() == before


def test_rm_without_state_is_an_error(project: Project) -> None:
    code, _, err = project.run("state", "rm", "welcome")
    assert code == 1
    assert "no state yet" in err
    assert not project.state_file.exists()


def test_a_held_lock_makes_rm_fail_with_the_holder(managed: Project) -> None:
    before = managed.state_file.read_bytes()
    work = managed.root / ".vidspec"
    holder = ProjectLock(work / "lock", work / "lock.info")
    info = holder.acquire("vidspec apply --auto-approve")
    try:
        code, out, err = managed.run("state", "rm", "--lock-timeout", "50ms", "promo")
    finally:
        holder.release()
    assert (code, out) == (1, "")
    assert "The state is locked by another vidspec command (waited 0.05s)" in err
    assert f"ID:      {info.id}" in err
    assert f"(pid {info.pid})" in err
    assert "Command: vidspec apply --auto-approve" in err
    assert f"vidspec force-unlock {info.id}" in err
    assert "Traceback" not in err
    assert managed.state_file.read_bytes() == before


# --- mv -------------------------------------------------------------------------------------


def test_mv_moves_the_record(managed: Project) -> None:
    code, out, err = managed.run("state", "mv", "promo", "spring")
    assert code == 0, err
    assert out == "Moved promo to spring (video vid-promo).\n"
    assert "Warning: spring is in no manifest: the next plan deletes its video" in err
    state = managed.load()
    assert state.videos["spring"].id == "vid-promo"
    assert "promo" not in state.videos
    assert state.serial == 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("promo", "welcome", "welcome is already in the state"),
        ("promo", "outro", "outro is already in the state"),
        ("nope", "x", "nope is not in the state"),
        ("promo", "bad name", "NEW 'bad name' is not a valid address"),
    ],
)
def test_mv_refusals_change_nothing(managed: Project, old: str, new: str, message: str) -> None:
    before = managed.state_file.read_bytes()
    code, out, err = managed.run("state", "mv", old, new)
    assert (code, out) == (1, "")
    assert message in err
    assert managed.state_file.read_bytes() == before
