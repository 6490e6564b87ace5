"""``vidspec destroy``: plan and apply the deletion of every managed video."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, simple_videos
from cli_run import Cli

from vidspec.state import LocalStateStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=2.0)


def test_destroy_deletes_every_managed_video_and_nothing_else(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(3))
    assert env.run("apply", "--auto-approve")[0] == 0
    stranger = env.server.world.add_video(video_name="Not managed").id
    code, out, err = env.run("destroy", "--auto-approve")
    assert code == 0, err
    assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 3 to delete." in out
    assert "video-00 will be deleted (destroy requested)" in out
    assert out.rstrip().endswith("Destroy complete! Videos: 3 deleted.")
    assert set(env.server.world.videos) == {stranger}
    assert LocalStateStore(env.project).load().videos == {}
    code, out, _ = env.run("destroy", "--auto-approve")
    assert code == 0 and out.startswith("No changes.")


def test_prevent_destroy_refuses_with_the_line(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    videos["video-01"]["lifecycle"] = {"prevent_destroy": True}
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    mark = len(env.server.request_log)
    code, out, err = env.run("destroy", "--auto-approve")
    assert code == 1
    line = next(
        n
        for n, text in enumerate((env.root / "videos" / "main.yaml").read_text().splitlines(), 1)
        if text == '    lifecycle: {"prevent_destroy": true}'
    )
    # the line and column of prevent_destroy, inside the flow mapping
    assert f"videos/main.yaml:{line}:17: video-01 would be deleted (destroy requested)" in err
    assert len(env.server.world.videos) == 2
    assert [m for m, _, _ in env.server.request_log[mark:]] == ["GET", "GET"]  # the refresh
    # the others can still go, by target
    code, out, err = env.run("destroy", "--auto-approve", "--target", "video-00")
    assert code == 0, err
    assert list(LocalStateStore(env.project).load().videos) == ["video-01"]
    assert out.rstrip().endswith("Destroy complete! Videos: 1 deleted.")


def test_destroy_asks_first(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    env.write_videos(simple_videos(1))
    assert env.run("apply", "--auto-approve")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no answer: a no
    code, _, err = env.run("destroy")
    assert code == 1 and "Destroy cancelled: nothing was changed." in err
    assert "Error" not in err, err
    assert "vidspec plan --destroy -o plan.bin" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code, out, err = env.run("destroy")
    assert code == 0, err
    assert "Do you really want to delete all these videos?" in out
    assert env.server.world.videos == {}


def test_plan_destroy_is_saved_with_o_and_applied_with_apply_file(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    assert env.run("apply", "--auto-approve")[0] == 0
    code, out, err = env.run("plan", "--destroy", "-o", str(env.root / "gone.plan"))
    assert code == 0, err
    assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 2 to delete." in out
    assert "video-00 will be deleted (destroy requested)" in out
    assert len(env.server.world.videos) == 2  # planning deletes nothing
    saved = json.loads((env.root / "gone.plan").read_text())
    assert saved["saved"]["destroy"] is True
    code, out, err = env.run("apply", str(env.root / "gone.plan"))
    assert code == 0, err
    assert out.rstrip().endswith("Destroy complete! Videos: 2 deleted.")
    assert env.server.world.videos == {}
    assert LocalStateStore(env.project).load().videos == {}
