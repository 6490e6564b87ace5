"""A project whose provider is a CDNvideo emulator reached through the hostile proxy."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from apply_env import ACCOUNT, TOKEN, ApplyEnv, Recorder, make_env, simple_videos
from cli_run import Cli
from hostile import Hostile, serve_hostile

from vidspec.engine import Outcome

LISTING = r"/accounts/acme/videos$"
GENERATE = r"/accounts/acme/generate$"
CATALOG = r"/accounts/acme/configurations$"
LINK = r"/accounts/acme/videos/[^/]+/download$"
FILES = r"^/files/"


@dataclass
class HostileEnv:
    env: ApplyEnv
    hostile: Hostile

    @property
    def host(self) -> str:
        return self.hostile.root_url.removeprefix("http://")

    def configure(self, extra: str = "") -> None:
        """vidspec.yaml pointing at the proxy, with ``extra`` top-level YAML."""
        (self.env.root / "vidspec.yaml").write_text(
            textwrap.dedent(
                f"""\
                version: 1
                provider:
                  kind: cdnvideo
                  account: {ACCOUNT}
                  base_url: {self.hostile.root_url}/app/th-api/v1
                  token: env/CDN_TOKEN
                manifests: ["videos/*.yaml"]
                """
            )
            + textwrap.dedent(extra),
            encoding="utf-8",
        )
        main = self.env.root / "videos" / "main.yaml"
        if not main.exists():  # a glob that matches no file is an error
            main.write_text("videos: {}\n", encoding="utf-8")

    def one_video(self, **fields: Any) -> None:
        videos = simple_videos(1)
        videos["video-00"].update(fields)
        self.env.write_videos(videos)

    def apply_one(self, **fields: Any) -> tuple[Outcome, str, Recorder]:
        self.one_video(**fields)
        recorder = Recorder()
        results = self.env.apply(reporter=recorder)
        assert results is not None
        (row,) = results.rows
        return row.outcome, row.detail, recorder


def make_hostile_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli | None = None, extra: str = ""
) -> Iterator[HostileEnv]:
    for env in make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0):
        with serve_hostile(env.server.root_url) as hostile:
            wrapped = HostileEnv(env, hostile)
            wrapped.configure(extra)
            yield wrapped


__all__ = ["CATALOG", "FILES", "GENERATE", "LINK", "LISTING", "TOKEN", "HostileEnv"]
