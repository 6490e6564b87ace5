"""A project directory wired to a running CDNvideo emulator, for the commands that read and
write the state (``import``, the spec aliases): ``project_env`` makes one, ``Env`` drives it."""

from __future__ import annotations

import contextlib
import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from projects import write_project_file

from vidspec.cli import main
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.providers.base import TaskState
from vidspec.state import LocalStateStore, VideoRecord

TOKEN = "import-token"
MANIFEST = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara

videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome to Acme. We make talking videos for teams.
  promo:
    video_name: Spring promo
    script: Spring is here, and so are our new plans.
"""


@dataclass
class Env:
    """A project directory wired to a running emulator."""

    root: Path
    server: EmulatorServer
    clock: ManualClock
    capsys: pytest.CaptureFixture[str]

    @property
    def state_file(self) -> Path:
        return self.root / ".vidspec" / "state.json"

    def write_manifest(self, text: str, name: str = "main.yaml") -> None:
        (self.root / "videos" / name).write_text(textwrap.dedent(text))

    def desired_spec(self, address: str) -> dict[str, Any]:
        return dict(load_desired(load_project(self.root)).videos[address].spec)

    def add_remote(self, body: Mapping[str, Any], **over: Any) -> str:
        """A video in the emulated account made from ``body`` (a CDNvideo request body)."""
        actor = body["actor"]
        fields: dict[str, Any] = {
            "script": body["script"],
            "actor_name": actor["name"],
            "model_version": actor.get("version", "4.0.0"),
            "style": actor.get("style", "dressshirt"),
            "shot": actor["shot"],
            "size": actor.get("size", "HD"),
            "voice_name": body["voice"],
            "video_name": body.get("video_name"),
        }
        fields.update(over)
        return str(self.server.world.add_video(**fields).id)

    def manage(self, address: str) -> str:
        """Put ``address`` in the state as applied from the manifest, with its remote video."""
        body = self.desired_spec(address)
        video_id = self.add_remote(body)
        created = self.server.world.videos[video_id].created_at
        self.save_state(
            lambda state: state.with_video(
                address,
                VideoRecord(
                    id=video_id,
                    status=TaskState.DONE,
                    spec_hash=spec_hash(body),
                    spec=body,
                    name=body.get("video_name"),
                    created_at=created,
                    expires_at=created + timedelta(days=30),
                ),
            )
        )
        return video_id

    def save_state(self, change: Any) -> None:
        store = LocalStateStore(load_project(self.root))
        with store.lock("test"):
            store.save(change(store.load()))

    def state(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.state_file.read_text())
        return doc

    def run(self, *args: str) -> tuple[int, str, str]:
        """``vidspec -C ROOT ARGS`` in-process: exit code, stdout, stderr."""
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(self.root), *args])
        out = self.capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), out.out, out.err

    def plan(self) -> dict[str, Any]:
        code, out, err = self.run("plan", "--json")
        assert code == 0, err
        doc: dict[str, Any] = json.loads(out)
        return doc


def actions(doc: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [(a["address"], a["action"], a["reason"]) for a in doc["actions"]]


@contextlib.contextmanager
def project_env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Env]:
    """A project with MANIFEST, wired to an emulator whose clock starts at the real time (so
    the CLI, on the real clock, agrees with it). Needs CDN_TOKEN set to TOKEN."""
    clock = ManualClock(SystemClock().now().replace(microsecond=0))
    settings = EmulatorSettings(token=TOKEN, account="acme", seed=1)
    with serve(settings, clock=clock) as server:
        write_project_file(tmp_path, server)
        made = Env(tmp_path, server, clock, capsys)
        made.write_manifest(MANIFEST)
        yield made
