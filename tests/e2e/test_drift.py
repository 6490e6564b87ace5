"""``vidspec drift``: read-only, state against the listing, against the CDNvideo emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, simple_videos
from cli_run import Cli

from vidspec.state import LocalStateStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def test_no_drift_then_every_kind_found_without_writing_anything(env: ApplyEnv) -> None:
    videos = simple_videos(4)
    videos["video-03"]["lifecycle"] = {"regenerate_before_expiry": "3d"}
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    code, out, err = env.run("drift", "--detailed-exitcode")
    assert (code, out) == (0, "No drift: the 4 managed videos match the service's listing.\n"), err

    state_file = env.root / ".vidspec" / "state.json"
    before = state_file.read_bytes()
    ids = {a: r.id for a, r in LocalStateStore(env.project).load().videos.items()}
    world = env.server.world
    world.rename(ids["video-00"], "Renamed in the UI")
    world.delete(ids["video-01"])
    world.add_video(video_name="Video 2")  # a lookalike: same name, not managed
    # a manifest edit is not drift
    videos["video-02"]["video_name"] = "Changed in git"
    env.write_videos(videos)
    env.clock.advance(28 * 86400)  # video-03 now expires within its 3 days

    code, out, err = env.run("drift", "--json", "--detailed-exitcode")
    assert code == 2, err
    doc = json.loads(out)
    found = sorted((i["address"], i["kind"]) for i in doc["items"])
    assert found == [
        ("video-00", "renamed"),
        ("video-01", "deleted"),
        ("video-02", "unknown"),
        ("video-03", "expiring"),
    ]
    assert doc["summary"]["renamed"] == 1 and doc["drift"] is True
    assert state_file.read_bytes() == before
    assert not (env.root / ".vidspec" / "state.lock.json").exists()

    code, out, _ = env.run("drift", "--markdown")
    assert code == 0  # without --detailed-exitcode, drift is not an error
    assert out.startswith("### vidspec drift: 4 found\n")
    assert "| `video-00` | renamed outside vidspec |" in out
    code, out, _ = env.run("drift")
    assert "video-01  deleted outside vidspec" in out


def test_drift_errors_exit_1(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    env.write_videos(simple_videos(1))
    code, _, err = env.run("drift", "--json", "--markdown")
    assert code == 1 and "cannot be combined" in err
    monkeypatch.delenv("CDN_TOKEN")
    env.environ.pop("CDN_TOKEN")
    code, _, err = env.run("drift", "--detailed-exitcode")
    assert code == 1 and "CDN_TOKEN is not set" in err
