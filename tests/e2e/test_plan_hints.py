"""Hints that save a paid video (issue 13, items 10 and 11): the plan names the free way.

A renamed address without its ``moved:`` entry, and a create that an unmanaged video in the
account matches (after ``state rm`` or a lost state), each get a warning with the exact fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, make_vidnoz_env, simple_videos, vidnoz_videos
from cli_run import Cli


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli)


@pytest.fixture
def vidnoz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch, cli)


def _renamed(videos: dict[str, dict[str, object]], old: str, new: str) -> dict[str, object]:
    return {new if a == old else a: v for a, v in videos.items()}


def test_a_renamed_address_prints_the_moved_block_that_makes_it_free(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    assert env.apply() is not None
    env.write_videos(_renamed(videos, "video-01", "intro"))  # type: ignore[arg-type]
    plan = env.plan()
    assert env.kinds(plan) == [("intro", "create"), ("video-01", "delete")]
    hint = (
        "intro is created and video-01 deleted with the same settings: the same video paid "
        "for again. If only its address changed, add this to a manifest (or the entry to its "
        "moved: list) and the change is a free move: moved: [{from: video-01, to: intro}]"
    )
    assert hint in plan.warnings
    # the block, written as printed, does make it free
    code, out, _ = env.run("--no-color", "plan")
    assert code == 0 and f"Warning: {hint}" in out
    env.write(
        (env.root / "videos" / "main.yaml").read_text() + "moved: [{from: video-01, to: intro}]\n"
    )
    plan = env.plan()
    assert env.kinds(plan) == [("intro", "move")]
    assert not any("same settings" in w for w in plan.warnings)


def test_a_changed_video_at_a_new_address_gets_no_moved_hint(env: ApplyEnv) -> None:
    videos = simple_videos(1)
    env.write_videos(videos)
    env.apply()
    changed = {"intro": {**videos["video-00"], "script": "Another script, another video."}}
    env.write_videos(changed)  # type: ignore[arg-type]
    plan = env.plan()
    assert env.kinds(plan) == [("intro", "create"), ("video-00", "delete")]
    assert not any("moved:" in w for w in plan.warnings)


def test_vidnoz_says_forgotten_in_the_moved_hint(vidnoz: ApplyEnv) -> None:
    videos = vidnoz_videos(1)
    vidnoz.write_videos(videos)  # type: ignore[arg-type]
    vidnoz.apply()
    vidnoz.write_videos({"intro": videos["video-00"]})  # type: ignore[dict-item]
    plan = vidnoz.plan()
    assert vidnoz.kinds(plan) == [("intro", "create"), ("video-00", "forget")]
    assert (
        "intro is created and video-00 forgotten with the same settings: the same video paid "
        "for again. If only its address changed, add this to a manifest (or the entry to its "
        "moved: list) and the change is a free move: moved: [{from: video-00, to: intro}]"
    ) in plan.warnings


def test_after_state_rm_a_matching_unmanaged_video_suggests_import_match(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    env.apply()
    video_id = env.state().videos["video-01"].id
    code, _, err = env.run("state", "rm", "video-01")
    assert code == 0, err
    plan = env.plan()
    assert env.kinds(plan) == [("video-01", "create")]
    hint = (
        f"video-01 is created, but the account holds an unmanaged video with the same name and "
        f"settings ({video_id}): if it is this one (after `vidspec state rm` or a lost state), "
        f"take it back instead of paying again: vidspec import --match"
    )
    assert hint in plan.warnings
    # and the suggestion works: import --match takes it back, the plan is empty
    code, _, err = env.run("import", "--match")
    assert code == 0, err
    assert env.state().videos["video-01"].id == video_id
    assert env.kinds() == []


def test_a_lost_state_suggests_import_match_for_every_video(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(2))
    env.apply()
    _lose_state(env)
    plan = env.plan()
    hints = [w for w in plan.warnings if w.endswith("vidspec import --match")]
    assert [h.split(" ", 1)[0] for h in hints] == ["video-00", "video-01"]


def test_an_unmanaged_video_with_another_name_gets_no_import_hint(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    env.apply()
    _lose_state(env)
    env.write_videos(simple_videos(1, prefix="other"))
    plan = env.plan()
    assert not any("import --match" in w for w in plan.warnings)


def _lose_state(env: ApplyEnv) -> None:
    path = env.project.state_path
    path.unlink()
    path.with_name(path.name + ".backup").unlink()
