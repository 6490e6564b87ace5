"""A project directory wired to a running CDNvideo emulator, for the commands that read the
account and the state (``plan``, ``import``, the spec aliases): ``project_env`` makes one, ``Env``
drives it."""

from __future__ import annotations

import contextlib
import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
from cli_run import Cli, Ran
from projects import write_project_file

from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.plan import Plan, plan_schema
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.state import LocalStateStore, VideoRecord

TOKEN = "project-token"
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
    """A project directory wired to a running CDNvideo emulator: its files, the emulated
    account, the state written by hand, and the real CLI (``cli``) or the planner on the
    emulator's clock."""

    root: Path
    server: EmulatorServer
    clock: ManualClock
    cli: Cli

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

    def manage(
        self,
        address: str,
        body: Mapping[str, Any] | None = None,
        *,
        status: TaskState = TaskState.DONE,
        remote_status: str = "processed",
    ) -> str:
        """Put ``address`` in the state as applied from ``body`` (default: the manifest's),
        with a video in the emulated account in ``remote_status``."""
        body = dict(body or self.desired_spec(address))
        video_id = self.add_remote(body, status=remote_status)
        created = self.server.world.videos[video_id].created_at
        self.save_state(
            lambda state: state.with_video(
                address,
                VideoRecord(
                    id=video_id,
                    status=status,
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

    def run(self, *args: str) -> Ran:
        """``vidspec -C ROOT ARGS`` in-process: exit code, stdout, stderr."""
        return self.cli(self.root, *args)

    def plan_json(self, *args: str) -> dict[str, Any]:
        """``vidspec plan --json ARGS``: the document, valid against the plan's schema."""
        code, out, err = self.run("plan", "--json", *args)
        assert code == 0, err
        doc: dict[str, Any] = json.loads(out)
        jsonschema.Draft202012Validator(plan_schema()).validate(doc)
        return doc

    def make_plan(self, **request: Any) -> Plan:
        """Plan with the emulator's own clock (for tests where time passes)."""
        project = load_project(self.root)
        result = make_plan(
            project, PlanRequest(**request), self.clock, environ={"CDN_TOKEN": TOKEN}
        )
        return result.plan


def actions(doc: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [(a["address"], a["action"], a["reason"]) for a in doc["actions"]]


@contextlib.contextmanager
def project_env(tmp_path: Path, cli: Cli) -> Iterator[Env]:
    """A project with MANIFEST, wired to an emulator whose clock starts at the real time (so
    the CLI, on the real clock, agrees with it). Needs CDN_TOKEN set to TOKEN."""
    clock = ManualClock(SystemClock().now().replace(microsecond=0))
    settings = EmulatorSettings(token=TOKEN, account="acme", seed=1)
    with serve(settings, clock=clock) as server:
        write_project_file(tmp_path, server)
        made = Env(tmp_path, server, clock, cli)
        made.write_manifest(MANIFEST)
        yield made
