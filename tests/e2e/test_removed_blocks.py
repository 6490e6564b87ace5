"""Declarative forget (issue 20 item 10): Terraform's ``removed`` block. ``removed: [{from:
ADDR, lifecycle: {destroy: false}}]`` stops managing a video (or every instance of a for_each
definition) without deleting it, reviewed in a plan as ``forget``; ``destroy: true`` deletes
it as any removed video; ``lifecycle.destroy`` is required, as in Terraform."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import DEFAULTS, ApplyEnv, make_env, manifest, simple_videos
from cli_run import Cli
from foreach_files import load, problems

from vidspec.plan.actions import Delete, Forget

FOREVER = "removed: [{from: video-00, lifecycle: {destroy: false}}]\n"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``load`` and ``problems`` write the project in the working directory."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def deletes(env: ApplyEnv, since: int) -> list[str]:
    return [p for m, p, _ in env.server.request_log[since:] if m == "DELETE"]


def test_destroy_false_forgets_the_video_and_keeps_it_and_its_file(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/first.mp4"
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    kept = env.state().videos["video-00"].id
    del videos["video-00"]
    env.write(manifest(videos) + FOREVER)
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert code == 2
    assert (
        "  # video-00 will be forgotten (removed block, destroy: false: the video stays in the "
        "account)"
    ) in out.splitlines()
    assert "Plan: 0 to create, 0 to rename, 0 to regenerate, 0 to delete, 1 to forget." in out
    mark = len(env.server.request_log)
    code, out, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    assert deletes(env, mark) == []
    assert kept in env.server.world.videos  # still in the account
    assert (env.root / "out" / "first.mp4").is_file()  # and its file stays
    assert "video-00" not in env.state().videos
    code, out, _ = env.run("plan", "--json")
    doc = json.loads(out)
    assert doc["actions"] == []  # done: the block stays, harmless, until you delete it
    assert kept in [v["id"] for v in doc["unmanaged"]["videos"]]  # not ours any more


def test_destroy_true_deletes_as_any_removed_video(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    assert env.apply() is not None
    del videos["video-00"]
    env.write(manifest(videos) + "removed: [{from: video-00, lifecycle: {destroy: true}}]\n")
    (action,) = env.plan().actions
    assert isinstance(action, Delete) and action.reason == "not in any manifest"


def test_a_definitions_name_forgets_every_instance(env: ApplyEnv) -> None:
    each = (
        "videos:\n  promo:\n    for_each: [a, b]\n    video_name: Promo ${each.key}\n"
        "    script: Hello ${each.key}.\n"
    )
    env.write(DEFAULTS + each)
    assert env.apply() is not None
    env.write(
        DEFAULTS + "videos:\n  other: {video_name: Other, script: Hi.}\n"
        "removed:\n  - from: promo\n    lifecycle: {destroy: false}\n"
    )
    plan = env.plan()
    forgets = [(a.address, a.kind) for a in plan.actions if isinstance(a, Forget)]
    assert forgets == [("promo[a]", "forget"), ("promo[b]", "forget")]
    assert not any(isinstance(a, Delete) for a in plan.actions)


# --- the manifest: schema and checks, each at its place ---------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_lifecycle_destroy_is_required_as_in_terraform() -> None:
    assert problems({"videos/a.yaml": "videos:\n  x: {script: Hi}\nremoved:\n  - from: old\n"}) == [
        "videos/a.yaml:4:5: missing field 'removed[0].lifecycle' (write lifecycle: {destroy: "
        "false} to stop managing the video without deleting it, or {destroy: true} to delete it)"
    ]
    found = problems(
        {"videos/a.yaml": "videos:\n  x: {script: Hi}\nremoved:\n  - {from: old, lifecycle: {}}\n"}
    )
    assert found == [
        "videos/a.yaml:4:17: missing field 'removed[0].lifecycle.destroy' (write destroy: false "
        "to stop managing the video without deleting it, or destroy: true to delete it)"
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_removed_address_still_defined_is_an_error_at_its_from() -> None:
    files = {
        "videos/a.yaml": "videos:\n  intro: {script: Hi}\n",
        "videos/b.yaml": "removed:\n  - {from: intro, lifecycle: {destroy: false}}\n",
    }
    assert problems(files) == [
        "videos/b.yaml:2:6: removed 'intro', which is still defined (at videos/a.yaml:2:3) "
        "(delete the video from its manifest, or delete this removed block)"
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_definition_or_an_instance_still_defined_and_twice_removed_are_errors() -> None:
    each = "videos:\n  promo:\n    for_each: [a, b]\n    script: Hi ${each.key}\n"
    found = problems(
        {
            "videos/a.yaml": each + "removed:\n"
            "  - {from: promo, lifecycle: {destroy: false}}\n"
            "  - {from: 'promo[a]', lifecycle: {destroy: false}}\n"
            "  - {from: gone, lifecycle: {destroy: false}}\n"
            "  - {from: gone, lifecycle: {destroy: true}}\n"
        }
    )
    assert [p.split(": ", 1)[1].split(" (")[0] for p in found] == [
        "removed 'promo', which is still defined",
        "removed 'promo[a]', which is still defined",
        "'gone' is removed twice",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_removed_row_may_be_forgotten_alone() -> None:
    desired = load(
        {
            "videos/a.yaml": "videos:\n  promo:\n    for_each: [b]\n    script: Hi ${each.key}\n"
            "removed:\n  - {from: 'promo[a]', lifecycle: {destroy: false}}\n"
        }
    )
    (block,) = desired.removed
    assert (block.from_address, block.destroy) == ("promo[a]", False)
    assert block.covers("promo[a]") and not block.covers("promo[b]")
