"""CDNvideo's older ``circle:`` spelling against the listing's ``composition`` form.

A video created from ``circle: {location, border_color, background_color}`` is reported by the
listing as ``composition.frame_style: circle`` plus the same keys. The planner (drift, diff)
and the importer compare both spellings as one request: no false drift, no false change, and a
real change in the circle is still seen. End to end: the video is created through the real
client on the emulator, the CLI plans and imports over loopback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_run import Cli
from project_env import TOKEN, Env, actions, project_env

from vidspec.app.providers import open_provider
from vidspec.core.videos import TaskState
from vidspec.plan.normalize import canonical_paths, canonical_spec, spelled_like
from vidspec.project.config import load_project
from vidspec.project.model import spec_hash
from vidspec.providers.cdnvideo.api import CAPABILITIES
from vidspec.state import VideoRecord

ALIASES = CAPABILITIES.spec_aliases
NO_CHANGES = "No changes. Your videos match the manifests.\n"
OLDER_FORM = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara

videos:
  corner:
    video_name: In a corner
    script: A small speaker in a round frame.
    circle: {location: upperright, border_color: "#112233"}
"""
DOCUMENTED_FORM = OLDER_FORM.replace(
    'circle: {location: upperright, border_color: "#112233"}',
    'composition: {frame_style: circle, location: upperright, border_color: "#112233"}',
)


@pytest.fixture
def env(tmp_path: Path, cli: Cli, clean_env: pytest.MonkeyPatch) -> Iterator[Env]:
    clean_env.setenv("CDN_TOKEN", TOKEN)
    with project_env(tmp_path, cli) as made:
        made.write_manifest(OLDER_FORM)
        yield made


def _create(env: Env, body: Mapping[str, Any]) -> str:
    """``body`` sent through the real client (POST /generate), then generated to the end."""
    provider = open_provider(load_project(env.root), environ={"CDN_TOKEN": TOKEN})
    try:
        video_id = provider.create(body)
    finally:
        provider.close()
    env.clock.advance(60)
    return video_id


def _manage(env: Env, address: str) -> str:
    """``address`` created from its manifest body and recorded in the state as applied."""
    body = env.desired_spec(address)
    video_id = _create(env, body)
    created = env.server.world.videos[video_id].created_at
    record = VideoRecord(
        id=video_id,
        status=TaskState.DONE,
        spec_hash=spec_hash(body),
        spec=body,
        name=body.get("video_name"),
        created_at=created,
        expires_at=created + timedelta(days=30),
    )
    env.save_state(lambda state: state.with_video(address, record))
    return video_id


def _recolour(env: Env, video_id: str, border: str) -> None:
    """Someone changes the circle's border in the vendor's UI."""
    record = env.server.world.videos[video_id]
    circle = {**(record.generation.circle or {}), "border_color": border}
    record.generation = replace(record.generation, circle=circle)


# --- plan ------------------------------------------------------------------------------------


def test_the_listing_reports_the_circle_in_the_documented_form(env: Env) -> None:
    video_id = _manage(env, "corner")
    provider = open_provider(load_project(env.root), environ={"CDN_TOKEN": TOKEN})
    try:
        (seen,) = [v for v in provider.list_videos() if v.id == video_id]
    finally:
        provider.close()
    assert seen.spec is not None
    assert "circle" not in seen.spec
    assert seen.spec["composition"] == {
        "orientation": "horizontal",
        "frame_style": "circle",
        "location": "upperright",
        "border_color": "#112233",
        "background_color": "#FFFFFF",
    }


def test_older_circle_form_matching_the_listing_is_no_change(env: Env) -> None:
    _manage(env, "corner")
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES), err


def test_circle_colour_changed_outside_vidspec_is_still_drift(env: Env) -> None:
    _recolour(env, _manage(env, "corner"), "#FF0000")
    doc = env.plan_json()
    assert actions(doc) == [("corner", "regenerate", "changed outside vidspec")]
    # named as the manifest spells it
    assert doc["actions"][0]["changes"] == [
        {"path": "circle.border_color", "before": "#FF0000", "after": "#112233"}
    ]


def test_circle_colour_changed_in_the_manifest_regenerates(env: Env) -> None:
    _manage(env, "corner")
    env.write_manifest(OLDER_FORM.replace("#112233", "#445566"))
    doc = env.plan_json()
    assert actions(doc) == [("corner", "regenerate", "circle.border_color changed")]
    assert doc["actions"][0]["changes"] == [
        {"path": "circle.border_color", "before": "#112233", "after": "#445566"}
    ]


def test_switching_to_the_documented_spelling_is_no_change(env: Env) -> None:
    _manage(env, "corner")
    env.write_manifest(DOCUMENTED_FORM)
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES), err
    env.write_manifest(DOCUMENTED_FORM.replace("upperright", "lowerleft"))
    assert actions(env.plan_json()) == [("corner", "regenerate", "composition.location changed")]


def test_ignore_changes_on_the_older_spelling_covers_drift(env: Env) -> None:
    env.write_manifest(OLDER_FORM + "    lifecycle: {ignore_changes: [circle.border_color]}\n")
    _recolour(env, _manage(env, "corner"), "#FF0000")
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES), err


# --- import ----------------------------------------------------------------------------------


def test_import_keeps_the_manifests_circle_spelling(env: Env) -> None:
    video_id = _create(env, env.desired_spec("corner"))
    code, _, err = env.run("import", "corner", video_id)
    assert code == 0, err
    assert env.state()["videos"]["corner"]["spec"] == env.desired_spec("corner")
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES), err


def test_import_of_a_recoloured_circle_records_the_listing(env: Env) -> None:
    video_id = _create(env, env.desired_spec("corner"))
    _recolour(env, video_id, "#FF0000")
    assert env.run("import", "corner", video_id)[0] == 0
    composition = env.state()["videos"]["corner"]["spec"]["composition"]
    assert composition["border_color"] == "#FF0000"
    assert actions(env.plan_json()) == [("corner", "regenerate", "circle.border_color changed")]


def test_match_finds_a_video_made_from_the_older_spelling(env: Env) -> None:
    video_id = _create(env, env.desired_spec("corner"))
    code, out, err = env.run("import", "--match")
    assert code == 0, err
    assert env.state()["videos"]["corner"]["id"] == video_id
    assert "Matched 1, ambiguous 0, no match 0" in out


# --- the pure functions ----------------------------------------------------------------------


def test_canonical_spec_rewrites_the_alias_and_keeps_the_rest() -> None:
    spec = {"script": "Hi", "composition": {"orientation": "vertical"}, "circle": {}}
    assert canonical_spec(spec, ALIASES) == {
        "script": "Hi",
        "composition": {"orientation": "vertical", "frame_style": "circle"},
    }
    assert spec["circle"] == {}  # not changed in place
    plain = {"script": "Hi", "composition": {"frame_style": "rectangle"}}
    assert canonical_spec(plain, ALIASES) is plain
    assert canonical_spec({"circle": {"location": "lowerleft"}}, ()) == {
        "circle": {"location": "lowerleft"}
    }


def test_canonical_paths_cover_what_the_alias_stands_for() -> None:
    assert canonical_paths(["circle.location", "voice"], ALIASES) == (
        "circle.location",
        "composition.location",
        "voice",
    )
    assert set(canonical_paths(["circle"], ALIASES)) == {
        "circle",
        "composition.frame_style",
        "composition.location",
        "composition.border_color",
        "composition.background_color",
    }


def test_spelled_like_restores_the_alias_only_where_all_agree() -> None:
    like = {"circle": {"location": "upperright"}}
    same = {"composition": {"frame_style": "circle", "location": "upperright"}}
    assert spelled_like(same, like, ALIASES) == like
    other = {"composition": {"frame_style": "circle", "location": "lowerleft"}}
    assert spelled_like(other, like, ALIASES) is other
