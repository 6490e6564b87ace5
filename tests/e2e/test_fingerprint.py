"""The plan fingerprint (what a reviewer approved) and ``apply --expect-fingerprint``, against
the CDNvideo emulator over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, manifest, simple_videos
from cli_run import Cli

from vidspec.plan import load_saved_plan
from vidspec.state import LocalStateStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def fingerprint(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> str:
    code, out, err = env.run("plan", "--json")
    assert code == 0, err
    value = json.loads(out)["fingerprint"]
    assert isinstance(value, str) and len(value) == 64
    return value


def test_stable_across_runs_and_file_order_different_after_a_remote_change(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    videos = simple_videos(4)
    env.write_videos(videos)
    assert env.run("apply", "--auto-approve")[0] == 0
    videos["video-01"]["video_name"] = "Renamed in git"
    env.write_videos(videos)
    first = fingerprint(env, monkeypatch)
    env.clock.advance(3600)  # time passes, the month's request count grows: same plan
    assert fingerprint(env, monkeypatch) == first
    # the same videos split over two files, written in the other order: same plan
    (env.root / "videos" / "main.yaml").unlink()
    items = list(videos.items())
    env.write(manifest(dict(items[2:])), name="a.yaml")
    env.write(manifest(dict(items[:2])), name="b.yaml")
    assert fingerprint(env, monkeypatch) == first
    # someone deletes a video in the vendor's UI: another plan, another fingerprint
    gone = LocalStateStore(env.project).load().videos["video-03"].id
    env.server.world.delete(gone)
    assert fingerprint(env, monkeypatch) != first


def test_text_plan_ends_with_the_fingerprint_and_saved_plans_carry_it(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.write_videos(simple_videos(2))
    value = fingerprint(env, monkeypatch)
    code, out, _ = env.run("plan", "-o", "plan.json")
    assert code == 0
    assert out.splitlines()[-1] == f"Plan fingerprint: {value[:12]}"
    doc = json.loads((env.root / "plan.json").read_text(encoding="utf-8"))
    assert doc["fingerprint"] == value == load_saved_plan(env.root / "plan.json").plan.fingerprint
    summary = env.root / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = env.run("plan", "--markdown")
    assert f"Plan fingerprint: `{value[:12]}`" in out
    assert summary.read_text(encoding="utf-8") == out  # GitHub's job summary gets it too


def test_apply_expect_fingerprint_refuses_another_plan_and_changes_nothing(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    videos = simple_videos(2)
    env.write_videos(videos)
    reviewed = fingerprint(env, monkeypatch)
    # after the review, the manifests change: the plan is not the reviewed one
    env.write_videos({**videos, "video-09": {"video_name": "Late", "script": "Came later."}})
    mark = len(env.server.request_log)
    code, out, err = env.run("apply", "--auto-approve", "--expect-fingerprint", reviewed[:12])
    assert code == 1
    assert "This is not the plan that was reviewed: nothing was changed." in err
    assert f"Reviewed: fingerprint {reviewed[:12]}" in err
    assert "Plan: 3 to create" in err
    assert "Plan: 3 to create" in out  # the plan as it stands, in full
    # in order: reviewed, now (summary and cost), what differs, then the one-line refusal
    marks = ["Reviewed: fingerprint", "Now:      fingerprint", "Cost: ", "What differs", "Error:"]
    places = [err.index(mark) for mark in marks]
    assert places == sorted(places), err
    assert env.live_ids() == set()
    assert not LocalStateStore(env.project).exists()
    assert {m for m, _, _ in env.server.request_log[mark:]} == {"GET"}
    # back to what was reviewed: applied; the whole hash is accepted too
    env.write_videos(videos)
    code, out, err = env.run("apply", "--auto-approve", "--expect-fingerprint", reviewed)
    assert code == 0, err
    assert "matches the reviewed one" in err
    assert len(env.live_ids()) == 2


@pytest.mark.parametrize("value", ["", "abc", "1f3a9c", "zz" * 8, "a" * 65])
def test_expect_fingerprint_needs_12_hex_characters(env: ApplyEnv, value: str) -> None:
    env.write_videos(simple_videos(1))
    code, _, err = env.run("apply", "--auto-approve", "--expect-fingerprint", value)
    assert code == 1
    assert "is not a plan fingerprint" in err and "at least its first 12" in err
    assert env.live_ids() == set()
