"""``vidspec import ADDRESS ID`` and ``vidspec import --match`` against the CDNvideo emulator.

Each test writes a real project, puts videos in the emulated account, runs the real CLI
in-process and reads the state file and the next plan. ``Env`` (``tests/support/project_env.py``) is
shared with ``test_import_all.py`` and ``test_spec_aliases.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cli_run import Cli
from project_env import TOKEN, Env, actions, project_env

from vidspec.project.model import spec_hash
from vidspec.state import PendingRecord, ProjectLock, parse_time


@pytest.fixture
def env(tmp_path: Path, cli: Cli, clean_env: pytest.MonkeyPatch) -> Iterator[Env]:
    clean_env.setenv("CDN_TOKEN", TOKEN)
    with project_env(tmp_path, cli) as made:
        yield made


# --- import ADDRESS ID ----------------------------------------------------------------------


def test_import_records_the_video_as_listed(env: Env) -> None:
    body = env.desired_spec("welcome")
    video_id = env.add_remote(body)
    created = env.server.world.videos[video_id].created_at

    code, out, err = env.run("import", "welcome", video_id)

    assert code == 0, err
    assert out.startswith(f'welcome -> {video_id}  "Welcome"  done, created ')
    assert "Run `vidspec plan`" in err
    state = env.state()
    assert state["serial"] == 1
    record = state["videos"]["welcome"]
    assert record["id"] == video_id
    assert record["status"] == "done"
    assert record["name"] == "Welcome"
    assert parse_time(record["created_at"]) == created
    assert parse_time(record["expires_at"]) == created + timedelta(days=30)
    # The remote matches the manifest: the applied spec is the manifest's, byte for byte
    # (actor style and size, which the listing does not report, come from the manifest).
    assert record["spec"] == body
    assert record["spec_hash"] == spec_hash(body)


def test_next_plan_shows_only_what_really_differs(env: Env) -> None:
    body = env.desired_spec("welcome")
    # Made with another emotion and renamed since: both are reported by the listing.
    video_id = env.add_remote(body, emotion="good", video_name="Old welcome")
    assert env.run("import", "welcome", video_id)[0] == 0

    doc = env.plan_json()

    assert actions(doc) == [
        ("promo", "create", "new"),
        ("welcome", "regenerate", "emotion changed"),
    ]
    welcome = doc["actions"][1]
    assert welcome["remote_id"] == video_id
    assert welcome["changes"] == [
        {"path": "emotion", "before": "good", "after": "neutral"},
        {"path": "video_name", "before": "Old welcome", "after": "Welcome"},
    ]


def test_only_the_name_differs_is_a_rename(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("welcome"), video_name="Hi there")
    assert env.run("import", "welcome", video_id)[0] == 0
    assert actions(env.plan_json()) == [
        ("promo", "create", "new"),
        ("welcome", "rename", "video_name changed"),
    ]


def test_a_matching_video_means_no_change_for_its_address(env: Env) -> None:
    assert env.run("import", "welcome", env.add_remote(env.desired_spec("welcome")))[0] == 0
    assert env.run("import", "promo", env.add_remote(env.desired_spec("promo")))[0] == 0
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n")


def test_import_at_an_address_in_no_manifest_warns_that_plan_deletes_it(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("promo"), video_name="Stray")
    code, _, err = env.run("import", "stray", video_id)
    assert code == 0, err
    assert "Warning: stray is in no manifest: the next plan deletes this video" in err
    assert ("stray", "delete", "not in any manifest") in actions(env.plan_json())


def test_a_task_missing_from_the_listing_is_found_by_its_status(env: Env) -> None:
    # The emulator lists generated videos only (list_in_progress false): a queued task is
    # found through GET /tasks/<id>, and its settings come from the manifest.
    video_id = env.add_remote(env.desired_spec("welcome"), status="in_queue")
    code, _, err = env.run("import", "welcome", video_id)
    assert code == 0, err
    record = env.state()["videos"]["welcome"]
    assert (record["id"], record["status"]) == (video_id, "queued")
    assert record["spec"] == env.desired_spec("welcome")
    assert ("GET", f"/app/th-api/v1/accounts/acme/tasks/{video_id}", 200) in [
        (m, p.split("?")[0], s) for m, p, s in env.server.request_log
    ]


def test_import_refuses_an_unknown_id(env: Env) -> None:
    code, _, err = env.run("import", "welcome", "no-such-id")
    assert code == 1
    assert "Error: no video with id no-such-id in the CDNvideo account" in err
    assert "Traceback" not in err
    assert not env.state_file.exists()


def test_import_refuses_an_address_already_in_the_state(env: Env) -> None:
    env.manage("welcome")
    before = env.state_file.read_bytes()
    other = env.add_remote(env.desired_spec("welcome"))
    code, _, err = env.run("import", "welcome", other)
    assert code == 1
    assert "welcome is already in the state, as video" in err
    assert "vidspec state rm welcome" in err
    assert env.state_file.read_bytes() == before


def test_import_refuses_an_id_managed_at_another_address(env: Env) -> None:
    video_id = env.manage("welcome")
    before = env.state_file.read_bytes()
    code, _, err = env.run("import", "promo", video_id)
    assert code == 1
    assert f"video {video_id} is already managed at welcome" in err
    assert "vidspec state mv welcome promo" in err
    assert env.state_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "welcome"), "needs ADDRESS and ID"),
        (("import", "-bad", "x"), "No such option"),
        (("import", "bad/address", "x"), "'bad/address' is not a valid address"),
        (("import", "--all", "--match"), "--all and --match cannot be combined"),
        (("import", "--all"), "--all needs --write FILE"),
        (("import", "--match", "a", "b"), "--match takes no ADDRESS or ID"),
        (("import", "--write", "x.yaml"), "--write FILE goes with --all"),
    ],
)
def test_bad_command_lines_are_clear_errors(env: Env, args: tuple[str, ...], message: str) -> None:
    code, out, err = env.run(*args)
    assert code != 0
    assert message in err
    assert out == ""
    assert "Traceback" not in err
    assert env.server.request_log == []  # refused before any request


def test_dry_run_writes_nothing(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("welcome"))
    code, out, err = env.run("import", "--dry-run", "welcome", video_id)
    assert code == 0, err
    assert out.startswith(f"welcome -> {video_id}")
    assert "Dry run: the state was not changed." in err
    assert not env.state_file.exists()


def test_import_answers_a_pending_create_of_the_address(env: Env) -> None:
    body = env.desired_spec("welcome")
    env.save_state(
        lambda state: state.with_pending(
            PendingRecord("welcome", "create", spec_hash(body), body, env.clock.now())
        )
    )
    video_id = env.add_remote(body)
    code, _, err = env.run("import", "welcome", video_id)
    assert code == 0, err
    assert "The pending create recorded for welcome is dropped" in err
    state = env.state()
    assert state["pending"] == []
    assert state["videos"]["welcome"]["id"] == video_id


def test_import_respects_the_lock(env: Env) -> None:
    work = env.root / ".vidspec"
    holder = ProjectLock(work / "lock", work / "lock.info")
    info = holder.acquire("vidspec apply --auto-approve")
    try:
        code, _, err = env.run("import", "welcome", env.add_remote(env.desired_spec("welcome")))
    finally:
        holder.release()
    assert code == 1
    assert "Command: vidspec apply --auto-approve" in err
    assert f"vidspec force-unlock {info.id}" in err
    assert not env.state_file.exists()
    assert env.server.request_log == []  # the lock comes before any request


def test_the_requests_spent_are_counted(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("welcome"))
    assert env.run("import", "welcome", video_id)[0] == 0
    usage = json.loads((env.root / ".vidspec" / "usage.json").read_text())
    assert sum(usage.values()) == env.server.world.requests_this_month == 1  # one listing page


# --- import --match -------------------------------------------------------------------------

MATCH_MANIFEST = """\
defaults:
  actor: {name: Natalia, version: latest, style: dressshirt, shot: waist, size: HD}
  voice: Sara

videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome to Acme.
  promo:
    video_name: Spring promo
    script: Spring is here.
  outro:
    video_name: Goodbye
    script: Thanks for watching.
  circle:
    video_name: In a circle
    script: A small speaker in a corner.
    composition: {frame_style: circle, location: upperright}
"""


def test_match_adopts_unambiguous_matches_and_lists_the_rest(env: Env) -> None:
    env.write_manifest(MATCH_MANIFEST)
    spec = env.desired_spec
    welcome = env.add_remote(spec("welcome"), model_version="4.0.0")  # latest -> 4.0.0
    circle = env.add_remote(spec("circle"), frame_style="circle", circle={"location": "upperright"})
    promo_a = env.add_remote(spec("promo"))
    env.clock.advance(60)
    promo_b = env.add_remote(spec("promo"))
    # Same name as outro, another script: not a match.
    env.add_remote(spec("outro"), script="Something else entirely.")
    # Same settings as welcome, but failed: never a candidate.
    env.add_remote(spec("welcome"), status="canceled")

    code, out, err = env.run("import", "--match")

    assert code == 0, err
    width = len("welcome")
    assert out.splitlines() == [
        "Adopted (one match each):",
        f'  {"circle":<{width}} -> {circle}  "In a circle"  done, created '
        + env.state()["videos"]["circle"]["created_at"],
        f'  welcome -> {welcome}  "Welcome"  done, created '
        + env.state()["videos"]["welcome"]["created_at"],
        "",
        "Ambiguous (not adopted; choose one with: vidspec import ADDRESS ID):",
        "  promo: 2 candidates",
        f'    {promo_a}  "Spring promo"  done, created ' + _created(env, promo_a),
        f'    {promo_b}  "Spring promo"  done, created ' + _created(env, promo_b),
        "",
        "No match (the next plan creates these):",
        "  outro",
        "",
        "Matched 2, ambiguous 1, no match 1; 0 already managed. 2 videos adopted.",
    ]
    state = env.state()
    assert sorted(state["videos"]) == ["circle", "welcome"]
    assert state["videos"]["welcome"]["spec"] == spec("welcome")  # "latest" kept
    doc = env.plan_json()
    assert actions(doc) == [("outro", "create", "new"), ("promo", "create", "new")]
    assert doc["unmanaged"]["count"] == 3  # both promo copies and the other outro


def _created(env: Env, video_id: str) -> str:
    from vidspec.state import format_time

    return format_time(env.server.world.videos[video_id].created_at)


def test_match_dry_run_writes_nothing(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("welcome"))
    code, out, err = env.run("import", "--match", "--dry-run")
    assert code == 0, err
    assert out.startswith(f"Would adopt (one match each):\n  welcome -> {video_id}")
    assert out.endswith("1 video would be adopted.\n")
    assert "Dry run: the state was not changed." in err
    assert not env.state_file.exists()


def test_match_rebuilds_a_lost_state_to_a_clean_plan(env: Env) -> None:
    env.manage("welcome")
    env.manage("promo")
    lost = env.state()
    env.state_file.unlink()
    (env.root / ".vidspec" / "state.json.backup").unlink(missing_ok=True)

    code, _, err = env.run("import", "--match")

    assert code == 0, err
    rebuilt = env.state()
    assert {a: r["id"] for a, r in rebuilt["videos"].items()} == {
        a: r["id"] for a, r in lost["videos"].items()
    }
    assert {a: r["spec_hash"] for a, r in rebuilt["videos"].items()} == {
        a: r["spec_hash"] for a, r in lost["videos"].items()
    }
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n")


def test_match_leaves_managed_addresses_and_managed_videos_alone(env: Env) -> None:
    env.manage("welcome")
    before = env.state_file.read_bytes()
    code, out, _ = env.run("import", "--match")
    assert code == 0
    assert out.splitlines()[-1] == (
        "Matched 0, ambiguous 0, no match 1; 1 already managed. 0 videos adopted."
    )
    assert env.state_file.read_bytes() == before  # nothing adopted: nothing written


def test_help_shows_address_and_id_both_required_together(cli: Cli) -> None:
    code, out, _ = cli("import", "--help")
    assert code == 0
    usage = out.splitlines()[0]
    assert usage == "Usage: vidspec import [OPTIONS] ADDRESS ID"
