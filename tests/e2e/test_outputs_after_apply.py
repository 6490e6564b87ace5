"""Issue 19 item 2: right after ``apply``, ``vidspec output --json`` and ``vidspec state show
ADDR`` give each finished video's link and its expiry, without a later plan or ``--refresh``:
the listing apply polls carries the links, and they are kept when a video is seen finished.
On the CDNvideo and the Vidnoz emulators, the real CLI in-process on their clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from apply_env import ApplyEnv, make_env, make_vidnoz_env, simple_videos, vidnoz_videos
from cli_run import Cli

from vidspec.core.times import format_time

PROVIDERS: dict[str, tuple[Callable[..., Iterator[ApplyEnv]], Callable[[int], Any], int]] = {
    "cdnvideo": (make_env, simple_videos, 30),
    "vidnoz": (make_vidnoz_env, vidnoz_videos, 7),
}


@pytest.fixture(params=sorted(PROVIDERS))
def env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
) -> Iterator[ApplyEnv]:
    make, _, _ = PROVIDERS[request.param]
    for env in make(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0):
        env.kind = request.param  # type: ignore[attr-defined]
        yield env


def test_output_right_after_apply_lists_every_link_and_expiry(env: ApplyEnv) -> None:
    _, videos, retention_days = PROVIDERS[env.kind]  # type: ignore[attr-defined]
    env.write_videos(videos(2))
    code, _, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    code, out, err = env.run("output", "--json")  # no --refresh
    assert code == 0, err
    doc = json.loads(out)
    state = env.state()
    assert sorted(doc) == ["video-00", "video-01"]
    for address, entry in doc.items():
        record = state.videos[address]
        assert entry["status"] == "done"
        assert entry["url"] and entry["url"].startswith("http://127.0.0.1:"), entry
        assert record.id in entry["url"] or env.kind == "vidnoz"  # type: ignore[attr-defined]
        assert record.expires_at is not None
        assert record.expires_at - record.created_at == timedelta(days=retention_days)
        assert entry["expires_at"] == format_time(record.expires_at)
    code, out, err = env.run("state", "show", "video-01")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["url"] == doc["video-01"]["url"]
    assert shown["expires_at"] == doc["video-01"]["expires_at"]
    # the links are the service's own: what a refresh reads gives the same
    code, out, err = env.run("output", "--json", "--refresh")
    assert code == 0, err
    assert {a: e["url"] for a, e in json.loads(out).items()} == {
        a: e["url"] for a, e in doc.items()
    }
