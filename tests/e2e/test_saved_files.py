"""Files vidspec saved go with their video (issue 20 item 9): removed when it is deleted or
destroyed, moved with a ``moved:`` address whose ``download:`` names another path; a file
whose content changed since it was saved is the user's and stays, with a note. The plan shows
it (``# file out/first.mp4 will be removed``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from apply_env import ApplyEnv, make_env, manifest, simple_videos
from cli_run import Cli
from repo_paths import SCHEMAS

from vidspec.plan.actions import Delete, Move
from vidspec.state import DownloadRecord

SCHEMA = json.loads((SCHEMAS / "plan.schema.json").read_text())


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def saved(env: ApplyEnv, count: int = 2) -> dict[str, dict[str, Any]]:
    """``count`` videos applied, video-00 saved to out/first.mp4."""
    videos = simple_videos(count)
    videos["video-00"]["download"] = "out/first.mp4"
    env.write_videos(videos)
    results = env.apply()
    assert results is not None and results.ok
    assert (env.root / "out" / "first.mp4").is_file()
    return videos


def test_a_deleted_videos_file_is_removed_and_the_plan_says_so(env: ApplyEnv) -> None:
    videos = saved(env)
    del videos["video-00"]
    env.write_videos(videos)
    code, out, _ = env.run("plan")
    assert code == 0
    lines = out.splitlines()
    heading = lines.index("  # video-00 will be deleted (not in any manifest)")
    assert lines[heading + 1] == "  # file out/first.mp4 will be removed"
    code, out, _ = env.run("plan", "--json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert [a.get("remove_file") for a in doc["actions"]] == ["out/first.mp4"]
    code, out, _ = env.run("plan", "--markdown")
    assert "not in any manifest; file out/first.mp4 will be removed" in out
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    assert not (env.root / "out" / "first.mp4").exists()
    row = next(line for line in out.splitlines() if line.startswith("video-00 "))
    assert row.endswith(", removed out/first.mp4")


def test_a_file_changed_since_it_was_saved_stays_with_a_note(env: ApplyEnv) -> None:
    videos = saved(env)
    (env.root / "out" / "first.mp4").write_bytes(b"my edit")
    del videos["video-00"]
    env.write_videos(videos)
    plan = env.plan()
    (delete,) = plan.actions
    assert isinstance(delete, Delete) and delete.remove_file is None
    assert plan.warnings == (
        "video-00: out/first.mp4 changed since vidspec saved it, so it stays where it is when "
        "the video is deleted (remove it yourself if you do not need it).",
    )
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    assert "out/first.mp4 changed since vidspec saved it: left as it is" in out
    assert (env.root / "out" / "first.mp4").read_bytes() == b"my edit"
    assert env.server.world.videos.keys() == {env.state().videos["video-01"].id}


def test_a_file_changed_after_the_plan_is_still_left(env: ApplyEnv) -> None:
    """Apply checks the file again before it removes it: the state's record decides."""
    videos = saved(env)
    del videos["video-00"]
    env.write_videos(videos)
    assert env.plan().actions[0].remove_file == "out/first.mp4"  # type: ignore[attr-defined]
    (env.root / "out" / "first.mp4").write_bytes(b"changed meanwhile")
    results = env.apply()
    assert results is not None and results.ok
    assert results.rows[0].detail.endswith(
        "out/first.mp4 changed since vidspec saved it: left as it is"
    )
    assert (env.root / "out" / "first.mp4").read_bytes() == b"changed meanwhile"


def test_destroy_removes_the_saved_files(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    saved(env)
    (env.root / "out" / "mine.txt").write_text("not vidspec's")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code, out, err = env.run("destroy")
    assert code == 0, err
    assert "  # file out/first.mp4 will be removed" in out.splitlines()
    assert [p.name for p in (env.root / "out").iterdir()] == ["mine.txt"]


def test_a_moved_video_takes_its_file_along(env: ApplyEnv) -> None:
    videos = saved(env)
    data = (env.root / "out" / "first.mp4").read_bytes()
    record = env.state().videos["video-00"]
    videos["intro"] = {**videos.pop("video-00"), "download": "clips/intro.mp4"}
    env.write(manifest(videos) + "moved: [{from: video-00, to: intro}]\n")
    plan = env.plan()
    (move,) = plan.actions  # no download: the file moves with the video
    assert isinstance(move, Move)
    assert (move.file_from, move.file_to) == ("out/first.mp4", "clips/intro.mp4")
    code, out, _ = env.run("plan")
    assert "  # file out/first.mp4 will be moved to clips/intro.mp4" in out.splitlines()
    mark = len(env.server.request_log)
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    assert not (env.root / "out" / "first.mp4").exists()
    assert (env.root / "clips" / "intro.mp4").read_bytes() == data
    assert env.state().videos["intro"].download == DownloadRecord(
        "clips/intro.mp4", len(data), record.download.sha256 if record.download else ""
    )
    assert not any(p.endswith("/download") for _, p, _ in env.server.request_log[mark:])
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n")


def test_a_moved_video_whose_file_changed_downloads_anew_and_leaves_it(env: ApplyEnv) -> None:
    videos = saved(env)
    (env.root / "out" / "first.mp4").write_bytes(b"my edit")
    videos["intro"] = {**videos.pop("video-00"), "download": "clips/intro.mp4"}
    env.write(manifest(videos) + "moved: [{from: video-00, to: intro}]\n")
    kinds = env.kinds()
    assert kinds == [("intro", "move"), ("intro", "download")]
    results = env.apply()
    assert results is not None and results.ok
    assert (env.root / "out" / "first.mp4").read_bytes() == b"my edit"
    assert (env.root / "clips" / "intro.mp4").is_file()
