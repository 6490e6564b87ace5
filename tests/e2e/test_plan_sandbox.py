"""``vidspec plan`` on the embedded sandbox (no credentials, nothing but loopback).

Videos "already made" are put in the sandbox's persisted world (``.vidspec/sandbox/``) by
serving the same emulator on that data directory first, then the state is written by hand.
"""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_run import Cli

from vidspec.core.clock import SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.sandbox.provider import SANDBOX_ACCOUNT, SANDBOX_TOKEN
from vidspec.state import LocalStateStore, VideoRecord

MANIFEST = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome to Acme.
  promo:
    video_name: Promo
    script: Spring is here.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text('version: 1\nmanifests: ["videos/*.yaml"]\n')
    (tmp_path / "videos" / "main.yaml").write_text(MANIFEST)
    return tmp_path


def manage_in_sandbox(root: Path, addresses: list[str]) -> dict[str, str]:
    """Make the addresses' videos in the sandbox's world and record them in the state."""
    project = load_project(root)
    desired = load_desired(project)
    settings = EmulatorSettings(
        token=SANDBOX_TOKEN, account=SANDBOX_ACCOUNT, data_dir=project.sandbox_dir
    )
    ids: dict[str, str] = {}
    store = LocalStateStore(project)
    with serve(settings, clock=SystemClock()) as server, store.lock("test"):
        state = store.load()
        for address in addresses:
            body: dict[str, Any] = dict(desired.videos[address].spec)
            record = server.world.add_video_from_body(body)
            ids[address] = record.id
            state = state.with_video(
                address,
                VideoRecord(
                    id=record.id,
                    status=TaskState.DONE,
                    spec_hash=spec_hash(body),
                    spec=body,
                    name=body["video_name"],
                    created_at=record.created_at,
                    expires_at=record.created_at + timedelta(days=30),
                ),
            )
        store.save(state)
    return ids


def actions(out: str) -> list[tuple[str, str, str]]:
    return [(a["address"], a["action"], a["reason"]) for a in json.loads(out)["actions"]]


def test_sandbox_plans_creates_offline(project: Path, cli: Cli) -> None:
    code, out, err = cli(project, "plan", "--json", "--detailed-exitcode")
    assert code == 2, err
    assert actions(out) == [("promo", "create", "new"), ("welcome", "create", "new")]
    assert json.loads(out)["cost"]["quota_left"] == 544.0


def test_sandbox_sees_renames_deletes_and_no_changes(project: Path, cli: Cli) -> None:
    ids = manage_in_sandbox(project, ["welcome", "promo"])
    code, out, err = cli(project, "plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n"), err

    (project / "videos" / "main.yaml").write_text(
        MANIFEST.replace("video_name: Welcome", "video_name: Hello")
    )
    settings = EmulatorSettings(
        token=SANDBOX_TOKEN,
        account=SANDBOX_ACCOUNT,
        data_dir=load_project(project).sandbox_dir,
    )
    with serve(settings, clock=SystemClock()) as server:
        server.world.delete(ids["promo"])
    code, out, err = cli(project, "plan", "--json")
    assert code == 0, err
    assert actions(out) == [
        ("promo", "create", "deleted outside vidspec"),
        ("welcome", "rename", "video_name changed"),
    ]


def test_sandbox_saved_plan_round_trips_through_show(project: Path, cli: Cli) -> None:
    manage_in_sandbox(project, ["welcome"])
    code, planned, _ = cli(project, "plan", "-o", "out/plan.json")
    assert code == 0
    code, shown, err = cli(project, "show", "out/plan.json")
    assert code == 0 and shown == planned
    assert "for sandbox, against state serial 1" in err
    assert textwrap.dedent(planned).count("will be created (new)") == 1
