"""The cost of a HeyGen plan in credits and of a Synthesia plan in video minutes (issue 23):
the cost line of the text, Markdown and JSON plans, from the vendors' own request fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv
from cli_run import Cli
from vendor_env import ANNA, heygen_videos, make_vendor_env, synthesia_videos

from vidspec.plan.cost import estimate_minutes, script_of
from vidspec.providers.synthesia.api import CAPABILITIES as SYNTHESIA

WORDS = "Every scene of a Synthesia video speaks; the estimate counts them all. " * 2


@pytest.fixture
def synthesia(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vendor_env("synthesia", tmp_path, monkeypatch, cli)


@pytest.fixture
def heygen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vendor_env("heygen", tmp_path, monkeypatch, cli)


def line(out: str, start: str) -> str:
    (found,) = [x for x in out.splitlines() if x.startswith(start)]
    return found


def test_every_scene_of_a_synthesia_video_counts_in_its_minutes() -> None:
    scene = {"avatar": ANNA, "background": "off_white", "scriptText": WORDS}
    spec = {"title": "Two scenes", "input": [scene, {**scene, "scriptText": "And more."}]}
    assert script_of(spec, SYNTHESIA) == WORDS + " And more."
    one = estimate_minutes({"input": [scene]}, SYNTHESIA)
    assert one > 0 and estimate_minutes(spec, SYNTHESIA) > one


def test_a_synthesia_plan_costs_video_minutes(
    synthesia: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    videos = synthesia_videos(3)
    for video in videos.values():
        video["input"][0]["scriptText"] = WORDS * 10  # 1,420 characters: ~1.7 minutes
    synthesia.write_videos(videos)
    code, out, _ = synthesia.run("plan", "--no-color")
    assert code == 0
    assert line(out, "Cost:") == (
        "Cost: 3 generation requests, ~5.1 video minutes (quota left unknown), "
        "18 API requests (2 used this month)."
    )
    _, markdown, _ = synthesia.run("plan", "--markdown")
    assert line(markdown, "**Cost:**") == (
        "**Cost:** 3 generation requests, ~5.1 video minutes (quota left unknown), "
        "18 API requests (4 used this month)."
    )
    _, text, _ = synthesia.run("plan", "--json")
    cost = json.loads(text)["cost"]
    assert (cost["unit"], cost["amount"], cost["quota_left"]) == ("minutes", 5.067, None)


def test_a_heygen_plan_costs_credits(heygen: ApplyEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    videos = heygen_videos(2)
    for video in videos.values():
        video["script"] = WORDS * 10
    heygen.write_videos(videos)
    code, out, _ = heygen.run("plan", "--no-color")
    assert code == 0
    assert line(out, "Cost:") == (
        "Cost: 2 generation requests, ~3.4 video minutes (~20.3 credits, credits left 50), "
        "12 API requests (5 used this month)."
    )
    assert line(out, "Apply time:") == "Apply time: about 2 min (10 at once) · 12 requests"
    _, text, _ = heygen.run("plan", "--json")
    cost = json.loads(text)["cost"]
    assert (cost["unit"], cost["quota_left"]) == ("credits", 50.0)
    assert cost["amount"] == pytest.approx(cost["minutes"] * 6, abs=0.01)  # 0.1 a second
