"""``vidspec plan`` and ``show`` end to end against the CDNvideo emulator over loopback.

Each test writes a real project (vidspec.yaml + a manifest), builds the state by hand for the
videos it wants managed (apply comes in the next issue), changes the emulated world (rename,
delete, time passing) and checks the plan. Most run the real CLI (``vidspec.cli.main``);
the ones that need time to pass on both sides call ``make_plan`` with the emulator's clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_run import Cli
from project_env import MANIFEST, TOKEN, Env, actions

from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import ManualClock, SystemClock
from vidspec.core.videos import TaskState
from vidspec.emulator import EmulatorSettings, serve
from vidspec.plan import plan_schema
from vidspec.project.config import load_project
from vidspec.project.model import spec_hash
from vidspec.state import LocalStateStore, PendingRecord, ProjectLock


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock starts at the real time, so the CLI (real clock) agrees with it."""
    return ManualClock(SystemClock().now().replace(microsecond=0))


@pytest.fixture
def env(
    clock: ManualClock,
    cli: Cli,
    clean_env: pytest.MonkeyPatch,
    project_factory: Callable[..., Path],
) -> Iterator[Env]:
    clean_env.setenv("CDN_TOKEN", TOKEN)
    settings = EmulatorSettings(token=TOKEN, account="acme", seed=1)
    with serve(settings, clock=clock) as server:
        project_env = Env(project_factory(server), server, clock, cli)
        project_env.write_manifest(MANIFEST)
        yield project_env


# --- create, and no changes -----------------------------------------------------------------


def test_new_videos_are_planned_as_creates_with_cost(env: Env) -> None:
    doc = env.plan_json()
    assert actions(doc) == [("promo", "create", "new"), ("welcome", "create", "new")]
    assert doc["cost"]["generation_requests"] == 2
    assert doc["cost"]["quota_left"] == 544.0
    assert doc["cost"]["requests_cap"] == 1500
    # the plan's own requests: 1 catalog + 1 listing page, counted this month
    assert doc["cost"]["requests_used"] == env.server.world.requests_this_month == 2
    assert json.loads((env.root / ".vidspec" / "usage.json").read_text()) == {
        SystemClock().now().strftime("%Y-%m"): 2
    }


def test_text_plan_and_detailed_exit_code(env: Env) -> None:
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert code == 2, err
    assert "  # welcome will be created (new)" in out
    *_, cost, time, blank, last = out.splitlines()
    assert cost.startswith("Cost: 2 generation requests, ~0.1 video minutes")
    assert time.startswith("Apply time: about 2 min (10 a minute) · ")
    assert (blank, last) == (
        "",
        f"Plan fingerprint: {json.loads(env.run('plan', '--json')[1])['fingerprint'][:12]}",
    )
    assert "Plan: 2 to create, 0 to rename, 0 to regenerate, 0 to delete." in out
    assert "\x1b[" not in out  # no colour when stdout is not a terminal


def test_managed_videos_matching_the_manifest_are_no_changes(env: Env) -> None:
    env.manage("welcome")
    env.manage("promo")
    code, out, err = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n"), err


def test_plan_never_writes_the_state(env: Env) -> None:
    env.manage("welcome")
    state_file = env.root / ".vidspec" / "state.json"
    before = state_file.read_bytes()
    env.write_manifest(MANIFEST.replace("video_name: Welcome", "video_name: Hello"))
    assert env.run("plan")[0] == 0
    assert state_file.read_bytes() == before
    assert not (env.root / ".vidspec" / "state.json.backup").exists()
    assert sorted(p.name for p in (env.root / ".vidspec").iterdir()) == [
        "backend.json",  # where the state was found, for a later change of state: (ignored)
        "catalog.json",  # the catalog it read, for validate (git-ignored, like usage.json)
        "lock",
        "lock.usage",
        "observed.json",  # what the refresh saw: statuses and links (local, git-ignored)
        "state.json",
        "usage.json",
    ]


# --- rename ---------------------------------------------------------------------------------


def test_name_changed_in_the_manifest_is_a_rename(env: Env) -> None:
    video_id = env.manage("welcome")
    env.manage("promo")
    env.write_manifest(MANIFEST.replace("video_name: Welcome", "video_name: Welcome to Acme"))
    doc = env.plan_json()
    assert actions(doc) == [("welcome", "rename", "video_name changed")]
    action = doc["actions"][0]
    assert action["remote_id"] == video_id
    assert action["changes"] == [
        {"path": "video_name", "before": "Welcome", "after": "Welcome to Acme"}
    ]


def test_renamed_in_the_vendor_ui_is_renamed_back(env: Env) -> None:
    video_id = env.manage("welcome")
    env.manage("promo")
    env.server.world.rename(video_id, "Edited by hand")
    doc = env.plan_json()
    assert actions(doc) == [("welcome", "rename", "renamed outside vidspec")]
    assert doc["actions"][0]["changes"][0]["before"] == "Edited by hand"


# --- create again ---------------------------------------------------------------------------


def test_deleted_in_the_vendor_ui_is_created_again(env: Env) -> None:
    env.server.world.delete(env.manage("welcome"))
    env.manage("promo")
    assert actions(env.plan_json()) == [("welcome", "create", "deleted outside vidspec")]


def test_expired_video_is_created_again(env: Env) -> None:
    env.manage("welcome")
    env.clock.advance(timedelta(days=29).total_seconds())
    env.manage("promo")  # a younger one, still there after the first expires
    env.clock.advance(timedelta(days=2).total_seconds())
    result = env.make_plan()
    assert [(a.address, a.kind, a.reason) for a in result.actions] == [
        ("welcome", "create", "expired after 30 days")
    ]


def test_canceled_task_is_created_again(env: Env) -> None:
    env.manage("welcome", status=TaskState.QUEUED, remote_status="canceled")
    env.manage("promo")
    assert actions(env.plan_json()) == [("welcome", "create", "task canceled")]


# --- regenerate -----------------------------------------------------------------------------


def test_script_changed_in_the_manifest_regenerates(env: Env) -> None:
    video_id = env.manage("welcome")
    env.manage("promo")
    env.write_manifest(MANIFEST.replace("We make talking videos", "We make short videos"))
    doc = env.plan_json()
    assert actions(doc) == [("welcome", "regenerate", "script changed")]
    assert doc["actions"][0]["remote_id"] == video_id
    code, out, _ = env.run("plan")
    assert code == 0
    assert (
        '      ~ script = "Hello and welcome to Acme. We make talking videos for teams." -> '
        '"Hello and welcome to Acme. We make short videos for teams."\n'
    ) in out
    assert "+/- create replacement and then destroy" in out


def test_settings_changed_in_the_vendor_ui_regenerate(env: Env) -> None:
    video_id = env.manage("welcome")
    env.manage("promo")
    record = env.server.world.videos[video_id]
    record.generation = replace(record.generation, voice_name="Mia")  # someone's edit
    doc = env.plan_json()
    assert actions(doc) == [("welcome", "regenerate", "changed outside vidspec")]
    assert doc["actions"][0]["changes"] == [{"path": "voice", "before": "Mia", "after": "Sara"}]


def test_regenerate_before_expiry_when_due(env: Env) -> None:
    env.write_manifest(
        MANIFEST.replace(
            "  voice: Sara\n", "  voice: Sara\n  lifecycle: {regenerate_before_expiry: 3d}\n"
        )
    )
    env.manage("welcome")
    env.manage("promo")
    env.clock.advance(timedelta(days=28).total_seconds())
    result = env.make_plan()
    assert {(a.address, a.kind, a.reason) for a in result.actions} == {
        ("welcome", "regenerate", "expires in 2 days"),
        ("promo", "regenerate", "expires in 2 days"),
    }


def test_replace_requested_on_the_command_line(env: Env) -> None:
    env.manage("welcome")
    env.manage("promo")
    doc = env.plan_json("--replace", "welcome")
    assert actions(doc) == [("welcome", "regenerate", "replacement requested")]


# --- delete, forget, unmanaged --------------------------------------------------------------


def test_removed_video_is_deleted_and_unmanaged_videos_are_left_alone(env: Env) -> None:
    env.manage("welcome")
    env.manage("promo")
    gone = env.manage("old", {**env.desired_spec("welcome"), "video_name": "Old"})
    env.server.world.delete(gone)
    legacy = env.manage("legacy", {**env.desired_spec("welcome"), "video_name": "Legacy"})
    stranger = env.add_remote({**env.desired_spec("welcome"), "video_name": "Made by hand"})
    doc = env.plan_json()
    assert actions(doc) == [
        ("legacy", "delete", "not in any manifest"),
        ("old", "forget", "already gone: deleted outside vidspec"),
    ]
    assert doc["actions"][0]["remote_id"] == legacy
    assert doc["unmanaged"] == {"count": 1, "videos": [{"id": stranger, "name": "Made by hand"}]}


# --- move -----------------------------------------------------------------------------------


def test_moved_block_moves_the_address_for_free(env: Env) -> None:
    env.manage("intro_v1", env.desired_spec("welcome"))
    env.manage("promo")
    env.write_manifest(MANIFEST + "moved:\n  - {from: intro_v1, to: welcome}\n")
    doc = env.plan_json()
    assert actions(doc) == [("welcome", "move", "moved from intro_v1")]
    assert doc["actions"][0]["from_address"] == "intro_v1"
    assert doc["cost"]["api_requests"] == doc["cost"]["refresh_requests"]


# --- in flight and lost answers -------------------------------------------------------------


def test_task_in_flight_is_pending_and_asked_for_by_id(env: Env) -> None:
    video_id = env.manage("welcome", status=TaskState.QUEUED, remote_status="in_queue")
    env.manage("promo")
    doc = env.plan_json()
    assert doc["actions"] == []
    assert [(p["address"], p["remote_id"], p["state"]) for p in doc["pending"]] == [
        ("welcome", video_id, "queued")
    ]
    # the listing shows only generated videos: one status call answered for this task
    asked = [path for method, path, _ in env.server.request_log if method == "GET"]
    assert sum(path.endswith(f"/tasks/{video_id}") for path in asked) == 1


def _lost_create(env: Env, address: str, age: timedelta) -> dict[str, Any]:
    body = env.desired_spec(address)
    store = LocalStateStore(load_project(env.root))
    with store.lock("test"):
        store.save(
            store.load().with_pending(
                PendingRecord(
                    address=address,
                    action="create",
                    spec_hash=spec_hash(body),
                    spec=body,
                    started_at=env.clock.now() - age,
                    outcome="unknown",
                )
            )
        )
    return body


def test_lost_create_found_in_the_listing_is_adopted(env: Env) -> None:
    env.manage("promo")
    body = _lost_create(env, "welcome", timedelta(minutes=5))
    video_id = env.add_remote(body)  # the create did happen
    doc = env.plan_json()
    assert actions(doc) == [
        ("welcome", "adopt", "previous create's outcome was unknown; found in listing")
    ]
    assert doc["actions"][0]["remote_id"] == video_id
    assert doc["unmanaged"]["count"] == 0


def test_lost_create_not_found_waits_then_is_created_again(env: Env) -> None:
    env.manage("promo")
    _lost_create(env, "welcome", timedelta(minutes=5))
    result = env.make_plan()
    assert result.actions == ()
    assert [(p.address, p.state) for p in result.pending] == [("welcome", "unknown")]
    env.clock.advance(3600)
    env.server.world.add_video(video_name="Spring promo")  # unrelated; keep listing non-empty
    result = env.make_plan()
    assert [(a.address, a.kind, a.reason) for a in result.actions] == [
        ("welcome", "create", "previous create's outcome unknown; not found in listing")
    ]


# --- errors ---------------------------------------------------------------------------------


def test_prevent_destroy_stops_a_regenerate_naming_the_line(env: Env) -> None:
    env.write_manifest(
        MANIFEST.replace(
            "    video_name: Welcome\n",
            "    video_name: Welcome\n    lifecycle: {prevent_destroy: true}\n",
        )
    )
    env.manage("welcome")
    env.manage("promo")
    env.write_manifest(
        MANIFEST.replace(
            "    video_name: Welcome\n",
            "    video_name: Welcome\n    lifecycle: {prevent_destroy: true}\n",
        ).replace("voice: Sara", "voice: Mia")
    )
    code, out, err = env.run("plan")
    assert code == 1 and out == ""
    assert "lifecycle.prevent_destroy forbids this plan" in err
    # the line and column of `prevent_destroy: true`, not of the video's address (6:3)
    assert (
        "videos/main.yaml:8:17: welcome would be regenerated (voice changed), and "
        "prevent_destroy: true here protects it" in err
    )
    assert "remove prevent_destroy: true at the line shown" in err
    assert "--target the other videos" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["file", "project"])
def test_prevent_destroy_in_defaults_points_at_the_defaults_line(env: Env, where: str) -> None:
    protect = "  lifecycle: {prevent_destroy: true}\n"
    if where == "file":
        manifest = MANIFEST.replace("  voice: Sara\n", "  voice: Sara\n" + protect)
        expected = "videos/main.yaml:4:15"
    else:
        manifest = MANIFEST
        project = env.root / "vidspec.yaml"
        project.write_text(project.read_text() + "defaults:\n" + protect)
        expected = "vidspec.yaml:9:15"
    env.write_manifest(manifest)
    env.manage("welcome")
    env.manage("promo")
    env.write_manifest(manifest.replace("Spring promo\n", "Spring promo\n    voice: Mia\n"))
    code, out, err = env.run("plan")
    assert code == 1 and out == ""
    assert f"{expected}: promo would be regenerated (voice changed), and prevent_destroy" in err


def test_catalog_problem_points_at_the_manifest_line(env: Env) -> None:
    env.write_manifest(MANIFEST.replace("  voice: Sara", "  voice: Julia_01"))
    code, out, err = env.run("plan")
    assert code == 1 and out == ""
    assert "videos/main.yaml:3:3: unknown voice 'Julia_01'" in err


def test_unsafe_plan_prints_the_plan_then_refuses_unless_forced(env: Env) -> None:
    (env.root / "vidspec.yaml").write_text(
        (env.root / "vidspec.yaml").read_text() + "safety: {max_deletes: 0}\n"
    )
    env.manage("legacy", {**env.desired_spec("welcome"), "video_name": "Legacy"})
    code, out, err = env.run("plan", "-o", "plan.json")
    assert code == 1
    assert "legacy will be deleted" in out
    assert "safety.max_deletes is 0" in err and "--force" in err
    assert not (env.root / "plan.json").exists()
    code, out, err = env.run("plan", "--force", "-o", "plan.json")
    assert code == 0 and (env.root / "plan.json").exists()


def test_lock_held_by_another_command_is_reported(env: Env) -> None:
    work = env.root / ".vidspec"
    other = ProjectLock(work / "lock", work / "lock.info")
    info = other.acquire("vidspec apply")
    try:
        code, out, err = env.run("plan")
    finally:
        other.release()
    assert code == 1 and out == ""
    assert "Command: vidspec apply" in err and f"vidspec force-unlock {info.id}" in err


def test_json_and_markdown_together_is_a_usage_error(env: Env) -> None:
    code, _, err = env.run("plan", "--json", "--markdown")
    assert code == 1 and "cannot be combined" in err


# --- saved plans and show -------------------------------------------------------------------


def test_saved_plan_round_trips_through_show(env: Env) -> None:
    env.manage("welcome")
    env.write_manifest(MANIFEST.replace("video_name: Welcome", "video_name: Hello"))
    code, planned, err = env.run("plan", "-o", "plan.json")
    assert code == 0 and "Saved the plan to plan.json" in err
    code, shown, err = env.run("show", "plan.json")
    assert code == 0 and shown == planned
    assert "against state serial 1" in err
    code, planned_json, _ = env.run("plan", "--json", "-o", "plan2.json")
    code, shown_json, _ = env.run("show", "--json", "plan2.json")
    assert code == 0 and shown_json == planned_json
    doc = json.loads(shown_json)
    assert "saved" not in doc and "spec" not in doc["actions"][0]
    assert actions(doc) == [("promo", "create", "new"), ("welcome", "rename", "video_name changed")]
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    saved = json.loads((env.root / "plan2.json").read_text())
    assert saved["saved"]["serial"] == 1 and saved["saved"]["remote_fingerprint"].startswith(
        "sha256:"
    )
    assert saved["actions"][0]["spec"] == env.desired_spec("promo")
    code, markdown, _ = env.run("show", "--markdown", "plan.json")
    assert markdown.startswith("### vidspec plan: 1 to create, 1 to rename")


def test_show_prints_the_state(env: Env) -> None:
    code, out, err = env.run("show")
    assert code == 0 and out == "" and "No state yet" in err
    video_id = env.manage("welcome")
    code, out, _ = env.run("show")
    assert code == 0
    assert out.splitlines()[2].split() == ["ADDRESS", "ID", "STATUS", "NAME", "CREATED", "EXPIRES"]
    assert out.splitlines()[3].split()[:4] == ["welcome", video_id, "done", "Welcome"]
    assert out.endswith("1 video managed.\n")
    code, out, _ = env.run("show", "--json")
    assert json.loads(out)["videos"]["welcome"]["id"] == video_id


def test_make_plan_reads_through_a_store_whose_lock_the_caller_holds(env: Env) -> None:
    env.manage("welcome")
    project = load_project(env.root)
    store = LocalStateStore(project, clock=env.clock)
    with store.lock("vidspec apply"):
        result = make_plan(
            project, PlanRequest(), env.clock, environ={"CDN_TOKEN": TOKEN}, store=store
        )
        assert store.holds_lock
    assert [(a.address, a.kind) for a in result.plan.actions] == [("promo", "create")]
    assert result.state.serial == 1 and result.saved().lineage == result.state.lineage
