"""The pure planner: every action kind and reason, from hand-built values."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from plan_fixtures import (
    CDN,
    NOW,
    NOZ,
    SCRIPT,
    TinyCatalog,
    desired,
    listed,
    record,
    spec,
    state,
    want,
)

from vidspec.core.errors import ManifestError, PreventDestroy, UsageError
from vidspec.core.location import SourceLocation
from vidspec.core.videos import TaskState
from vidspec.plan import (
    Action,
    Adopt,
    Create,
    Delete,
    FieldChange,
    Forget,
    Move,
    Plan,
    Regenerate,
    Rename,
)
from vidspec.plan.planner import PlanOptions, plan
from vidspec.project.model import Lifecycle, MovedBlock, spec_hash
from vidspec.state.model import OUTCOME_UNKNOWN, PendingRecord

CATALOG = TinyCatalog()


def one(result: Plan) -> Action:
    assert len(result.actions) == 1, result.actions
    return result.actions[0]


# --- create ---------------------------------------------------------------------------------


def test_new_video_is_created_with_every_field_and_its_cost() -> None:
    body = spec()
    result = plan(desired(want("welcome", body)), state(), [], CATALOG, CDN, NOW)
    action = one(result)
    assert isinstance(action, Create)
    assert action.reason == "new"
    assert action.spec == body and action.spec_hash == spec_hash(body)
    assert FieldChange("actor.version", None, "4.0.0") in action.changes
    assert {c.path for c in action.changes} == {
        "actor.name",
        "actor.shot",
        "actor.style",
        "actor.version",
        "script",
        "video_name",
        "voice",
    }
    assert action.cost.generation_requests == 1
    assert action.cost.api_requests == 1  # the POST; the plan counts the polling of all
    assert action.cost.minutes == pytest.approx(len(SCRIPT) / 14 / 60, abs=0.001)
    assert result.summary["create"] == 1 and result.has_changes


def test_download_adds_one_request_to_a_create() -> None:
    # the link is an API request; the file comes from a file host and is not one
    video = want("welcome", spec(), download="out/welcome.mp4")
    action = one(plan(desired(video), state(), [], CATALOG, CDN, NOW))
    assert isinstance(action, Create)
    assert action.cost.api_requests == 2 and action.download == "out/welcome.mp4"


def test_video_deleted_outside_vidspec_is_created_again() -> None:
    body = spec()
    result = plan(
        desired(want("welcome", body)),
        state({"welcome": record("v1", body)}),
        [],
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Create) and action.reason == "deleted outside vidspec"


def test_expired_video_is_created_again_with_that_reason() -> None:
    body = spec()
    old = record("v1", body, age=timedelta(days=31))
    action = one(
        plan(desired(want("welcome", body)), state({"welcome": old}), [], CATALOG, CDN, NOW)
    )
    assert isinstance(action, Create) and action.reason == "expired after 30 days"


@pytest.mark.parametrize(
    ("task", "message", "reason"),
    [
        (TaskState.FAILED, "render farm on fire", "task failed: render farm on fire"),
        (TaskState.FAILED, None, "task failed: no reason given"),
        (TaskState.CANCELED, None, "task canceled"),
    ],
)
def test_failed_or_canceled_task_is_created_again(
    task: TaskState, message: str | None, reason: str
) -> None:
    body = spec()
    remote = [listed("v1", "Welcome", state=task, message=message)]
    result = plan(
        desired(want("welcome", body)),
        state({"welcome": record("v1", body)}),
        remote,
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Create) and action.reason == reason


# --- rename ---------------------------------------------------------------------------------


def test_name_change_in_the_manifest_is_a_rename() -> None:
    old, new = spec(name="Welcome"), spec(name="Welcome to Acme")
    remote = [listed("v1", "Welcome", body=old)]
    action = one(
        plan(
            desired(want("welcome", new)),
            state({"welcome": record("v1", old)}),
            remote,
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Rename)
    assert action.reason == "video_name changed"
    assert action.changes == (FieldChange("video_name", "Welcome", "Welcome to Acme"),)
    assert action.video_id == "v1" and action.name == "Welcome to Acme"
    assert action.spec == new and action.spec_hash == spec_hash(new)
    assert action.unchanged == 6
    assert action.cost.api_requests == 1 and action.cost.generation_requests == 0


def test_renamed_in_the_vendor_ui_is_renamed_back() -> None:
    body = spec(name="Welcome")
    remote = [listed("v1", "Someone's edit", body={**body, "video_name": "Someone's edit"})]
    action = one(
        plan(
            desired(want("welcome", body)),
            state({"welcome": record("v1", body)}),
            remote,
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Rename)
    assert action.reason == "renamed outside vidspec"
    assert action.changes == (FieldChange("video_name", "Someone's edit", "Welcome"),)


def test_provider_that_cannot_rename_regenerates_instead() -> None:
    old = {"name": "Old", "voice": {"tts": {"id": "v-1", "text": SCRIPT}}}
    new = {**old, "name": "New"}
    caps = replace(NOZ, script_path="voice.tts.text")
    result = plan(
        desired(want("intro", new)),
        state({"intro": record("n1", old, retention=timedelta(days=7))}, kind="vidnoz"),
        [listed("n1", "Old")],
        None,
        caps,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Regenerate)
    assert action.reason == "Vidnoz cannot rename"
    assert action.changes == (FieldChange("name", "Old", "New"),)
    assert action.delete_old is False
    assert any("Vidnoz cannot delete videos; n1 stays" in w for w in result.warnings)
    assert result.cost.unit == "credits"
    assert result.cost.amount == pytest.approx(result.cost.minutes * 4, abs=0.01)


# --- regenerate -----------------------------------------------------------------------------


def test_script_change_regenerates_showing_only_that_field() -> None:
    old, new = spec(), spec(script=SCRIPT + " Now with more teams.")
    result = plan(
        desired(want("welcome", new)),
        state({"welcome": record("v1", old)}),
        [listed("v1", "Welcome", body=old)],
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Regenerate)
    assert action.reason == "script changed"
    assert action.changes == (FieldChange("script", SCRIPT, new["script"]),)
    assert action.unchanged == 6
    assert action.video_id == "v1" and action.spec == new
    assert action.create_before_destroy is True and action.delete_old is True
    assert action.cost.generation_requests == 1 and action.cost.api_requests == 2  # + DELETE


def test_several_changed_fields_are_named_in_the_reason_with_the_name_row() -> None:
    old = spec()
    new = spec(name="Hi", voice="Mia", actor={**old["actor"], "version": "1.0.0"})
    action = one(
        plan(
            desired(want("welcome", new)),
            state({"welcome": record("v1", old)}),
            [listed("v1", "Welcome")],
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Regenerate)
    assert action.reason == "actor.version, voice changed"
    assert [c.path for c in action.changes] == ["actor.version", "video_name", "voice"]


def test_a_default_written_out_is_not_a_change() -> None:
    old = spec()
    new = spec(background="green_screen", emotion="neutral")
    result = plan(
        desired(want("welcome", new)),
        state({"welcome": record("v1", old)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == () and not result.has_changes


def test_numbers_compare_by_value() -> None:
    old = spec(composition={"scale": 1})
    new = spec(composition={"scale": 1.0})
    result = plan(
        desired(want("welcome", new)),
        state({"welcome": record("v1", old)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


def test_content_changed_outside_vidspec_regenerates() -> None:
    body = spec()
    remote = [listed("v1", "Welcome", body={**body, "voice": "Mia"})]
    action = one(
        plan(
            desired(want("welcome", body)),
            state({"welcome": record("v1", body)}),
            remote,
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Regenerate)
    assert action.reason == "changed outside vidspec"
    assert action.changes == (FieldChange("voice", "Mia", "Sara"),)


def test_latest_version_and_default_background_are_not_drift() -> None:
    body = spec(actor={"name": "Natalia", "version": "latest", "shot": "waist"})
    reported = {
        **body,
        "actor": {"name": "Natalia", "version": "4.0.0"},
        "background": "green_screen",
    }
    remote = [listed("v1", "Welcome", body=reported)]
    result = plan(
        desired(want("welcome", body)),
        state({"welcome": record("v1", body)}),
        remote,
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


def test_regenerate_before_expiry_when_due() -> None:
    body = spec()
    life = Lifecycle(regenerate_before_expiry=timedelta(days=3))
    old = record("v1", body, age=timedelta(days=28))
    action = one(
        plan(
            desired(want("welcome", body, lifecycle=life)),
            state({"welcome": old}),
            [listed("v1", "Welcome", age=timedelta(days=28))],
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Regenerate)
    assert action.reason == "expires in 2 days"
    assert action.changes == ()


def test_regenerate_before_expiry_not_yet_due() -> None:
    body = spec()
    life = Lifecycle(regenerate_before_expiry=timedelta(days=3))
    old = record("v1", body, age=timedelta(days=20))
    result = plan(
        desired(want("welcome", body, lifecycle=life)),
        state({"welcome": old}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


def test_replace_requested_regenerates_an_unchanged_video() -> None:
    body = spec()
    action = one(
        plan(
            desired(want("welcome", body)),
            state({"welcome": record("v1", body)}),
            [listed("v1", "Welcome")],
            CATALOG,
            CDN,
            NOW,
            PlanOptions(replace=("welcome",)),
        )
    )
    assert isinstance(action, Regenerate) and action.reason == "replacement requested"


def test_replace_of_an_unmanaged_address_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--replace nope"):
        plan(
            desired(want("welcome", spec())),
            state(),
            [],
            CATALOG,
            CDN,
            NOW,
            PlanOptions(replace=("nope",)),
        )


def test_destroy_before_create_is_recorded_on_the_action() -> None:
    old, new = spec(), spec(voice="Mia")
    life = Lifecycle(create_before_destroy=False)
    action = one(
        plan(
            desired(want("welcome", new, lifecycle=life)),
            state({"welcome": record("v1", old)}),
            [listed("v1", "Welcome")],
            CATALOG,
            CDN,
            NOW,
        )
    )
    assert isinstance(action, Regenerate) and action.create_before_destroy is False


# --- delete / forget ------------------------------------------------------------------------


def test_video_removed_from_manifests_is_deleted_and_unmanaged_ones_are_left_alone() -> None:
    body = spec()
    remote = [listed("v1", "Welcome"), listed("x9", "Someone else's"), listed("x8", None)]
    result = plan(desired(), state({"welcome": record("v1", body)}), remote, CATALOG, CDN, NOW)
    action = one(result)
    assert isinstance(action, Delete)
    assert action.reason == "not in any manifest" and action.video_id == "v1"
    assert FieldChange("video_name", "Welcome", None) in action.changes
    assert action.cost.api_requests == 1
    assert [(u.id, u.name) for u in result.unmanaged] == [("x8", None), ("x9", "Someone else's")]


def test_deleting_a_video_still_generating_cancels_it_first() -> None:
    body = spec()
    remote = [listed("v1", "Welcome", state=TaskState.RUNNING)]
    action = one(plan(desired(), state({"welcome": record("v1", body)}), remote, CATALOG, CDN, NOW))
    assert isinstance(action, Delete) and action.in_flight and action.cost.api_requests == 2


def test_provider_that_cannot_delete_forgets_with_a_warning() -> None:
    body = {"name": "Old"}
    result = plan(
        desired(),
        state({"intro": record("n1", body, retention=timedelta(days=7))}, kind="vidnoz"),
        [listed("n1", "Old")],
        None,
        NOZ,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Forget) and action.reason == "Vidnoz cannot delete"
    assert action.cost.api_requests == 0
    assert any(
        "n1 stays in the account until it expires (2026-11-08T09:00:00Z, 7 days after it was made)"
        in w
        for w in result.warnings
    )


def test_a_superseded_video_the_provider_cannot_delete_is_forgotten_with_its_date() -> None:
    """A regenerate cut short (its new video recorded, the old id still in ``previous``): the
    old one is forgotten, and the warning dates its expiry from the listing's creation time."""
    body = {"name": "New"}
    result = plan(
        desired(want("intro", body)),
        state(
            {"intro": record("n2", body, previous=("n1",), retention=timedelta(days=7))},
            kind="vidnoz",
        ),
        [listed("n1", "Old", age=timedelta(days=2)), listed("n2", "New")],
        None,
        NOZ,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Forget) and action.superseded and action.video_id == "n1"
    assert action.reason == "Vidnoz cannot delete the superseded video"
    assert (
        "intro: Vidnoz cannot delete videos; n1 stays in the account until it expires "
        "(2026-11-07T09:00:00Z, 7 days after it was made), and vidspec stops managing it."
    ) in result.warnings


def test_removed_video_already_gone_is_only_forgotten() -> None:
    result = plan(
        desired(),
        state({"welcome": record("v1", spec(), age=timedelta(days=40))}),
        [],
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Forget) and action.reason == "already gone: expired after 30 days"


def test_destroy_plans_the_deletion_of_every_managed_video() -> None:
    body = spec()
    result = plan(
        desired(want("welcome", body)),
        state({"welcome": record("v1", body)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
        PlanOptions(destroy=True),
    )
    action = one(result)
    assert isinstance(action, Delete) and action.reason == "destroy requested"


def test_superseded_videos_are_deleted_once_the_replacement_is_done() -> None:
    body = spec()
    rec = record("v2", body, previous=("v1",))
    remote = [listed("v2", "Welcome"), listed("v1", "Welcome", age=timedelta(days=3))]
    result = plan(
        desired(want("welcome", body)), state({"welcome": rec}), remote, CATALOG, CDN, NOW
    )
    action = one(result)
    assert isinstance(action, Delete)
    assert (
        action.superseded
        and action.video_id == "v1"
        and action.reason == "superseded by a regenerate"
    )
    assert result.unmanaged == ()


def test_superseded_videos_wait_while_the_replacement_generates() -> None:
    body = spec()
    rec = record("v2", body, previous=("v1",), status=TaskState.RUNNING, age=timedelta(minutes=1))
    remote = [listed("v2", "Welcome", state=TaskState.RUNNING), listed("v1", "Welcome")]
    result = plan(
        desired(want("welcome", body)), state({"welcome": rec}), remote, CATALOG, CDN, NOW
    )
    assert result.actions == ()
    assert [(p.address, p.remote_id, p.state) for p in result.pending] == [
        ("welcome", "v2", "running")
    ]


# --- move -----------------------------------------------------------------------------------


def test_moved_block_moves_the_state_record_for_free() -> None:
    body = spec()
    move = MovedBlock("intro_v1", "welcome", SourceLocation("videos/main.yaml", 30, 5))
    result = plan(
        desired(want("welcome", body), moves=(move,)),
        state({"intro_v1": record("v1", body)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Move)
    assert action.address == "welcome" and action.from_address == "intro_v1"
    assert action.reason == "moved from intro_v1"
    assert action.cost.api_requests == 0
    assert result.summary["move"] == 1


def test_move_and_rename_together() -> None:
    old, new = spec(), spec(name="Renamed")
    move = MovedBlock("intro_v1", "welcome", SourceLocation("videos/main.yaml", 30, 5))
    result = plan(
        desired(want("welcome", new), moves=(move,)),
        state({"intro_v1": record("v1", old)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert [a.kind for a in result.actions] == ["move", "rename"]


def test_move_onto_a_managed_address_is_an_error_at_the_moved_block() -> None:
    body = spec()
    move = MovedBlock("intro_v1", "welcome", SourceLocation("videos/main.yaml", 30, 5))
    with pytest.raises(ManifestError) as caught:
        plan(
            desired(want("welcome", body), moves=(move,)),
            state({"intro_v1": record("v1", body), "welcome": record("v2", body)}),
            [],
            CATALOG,
            CDN,
            NOW,
        )
    assert (
        "videos/main.yaml:30:5: moved: intro_v1 -> welcome, but welcome is already in the state"
        in str(caught.value)
    )


# --- in flight and pending records ----------------------------------------------------------


def test_task_in_flight_is_shown_pending_not_created_again() -> None:
    body = spec()
    rec = record("v1", body, status=TaskState.QUEUED, age=timedelta(minutes=2))
    result = plan(
        desired(want("welcome", body)),
        state({"welcome": rec}),
        [listed("v1", None, state=TaskState.QUEUED)],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()
    assert [(p.address, p.state, p.note) for p in result.pending] == [
        ("welcome", "queued", "generating; not created again")
    ]


def test_task_not_yet_listed_is_waited_for_within_the_grace_period() -> None:
    body = spec()
    rec = record("v1", body, status=TaskState.QUEUED, age=timedelta(minutes=2))
    result = plan(desired(want("welcome", body)), state({"welcome": rec}), [], CATALOG, CDN, NOW)
    assert result.actions == () and result.pending[0].remote_id == "v1"


def test_manifest_changed_while_generating_warns() -> None:
    rec = record("v1", spec(), status=TaskState.RUNNING, age=timedelta(minutes=2))
    result = plan(
        desired(want("welcome", spec(voice="Mia"))),
        state({"welcome": rec}),
        [listed("v1", None, state=TaskState.RUNNING)],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()
    assert any("changed while its video is still generating" in w for w in result.warnings)


def _pending(body: dict[str, object], age: timedelta) -> PendingRecord:
    return PendingRecord(
        address="welcome",
        action="create",
        spec_hash=spec_hash(body),
        spec=body,
        started_at=NOW - age,
        outcome=OUTCOME_UNKNOWN,
    )


def test_lost_create_found_in_the_listing_is_adopted() -> None:
    body = spec()
    pend = _pending(body, timedelta(minutes=10))
    remote = [
        listed("older", "Welcome", age=timedelta(hours=2), body=body),  # made before: not it
        listed("found", "Welcome", age=timedelta(minutes=9), body=body),
    ]
    result = plan(desired(want("welcome", body)), state(pending=(pend,)), remote, CATALOG, CDN, NOW)
    action = one(result)
    assert isinstance(action, Adopt)
    assert action.video_id == "found" and action.spec_hash == spec_hash(body)
    assert action.reason == "previous create's outcome was unknown; found in listing"
    assert action.cost.api_requests == 0
    assert [u.id for u in result.unmanaged] == ["older"]


@pytest.mark.parametrize(("caps", "then"), [(CDN, "deletes"), (NOZ, "forgets")])
def test_a_lost_create_no_manifest_wants_is_adopted_and_says_what_comes_next(caps, then):
    body = spec() if caps is CDN else {"name": "Welcome"}
    pend = _pending(body, timedelta(minutes=10))
    remote = [listed("found", "Welcome", age=timedelta(minutes=9), body=body)]
    result = plan(desired(), state(pending=(pend,)), remote, None, caps, NOW)
    assert isinstance(one(result), Adopt)
    assert (
        f"welcome: adopted although no manifest wants it any more; the next plan {then} it."
    ) in result.warnings


def test_lost_create_with_other_settings_in_the_listing_is_not_adopted() -> None:
    body = spec()
    pend = _pending(body, timedelta(minutes=10))
    remote = [listed("other", "Welcome", age=timedelta(minutes=9), body={**body, "voice": "Mia"})]
    result = plan(desired(want("welcome", body)), state(pending=(pend,)), remote, CATALOG, CDN, NOW)
    assert result.actions == ()
    assert result.pending[0].state == "unknown"


def test_lost_create_not_listed_blocks_a_new_create_during_the_grace_period() -> None:
    body = spec()
    result = plan(
        desired(want("welcome", body)),
        state(pending=(_pending(body, timedelta(minutes=5)),)),
        [],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()
    assert result.pending[0].address == "welcome" and result.pending[0].remote_id is None
    assert "waiting until 2026-11-02T09:25:00Z" in result.pending[0].note


def test_lost_create_not_listed_after_the_grace_period_is_created_again() -> None:
    body = spec()
    result = plan(
        desired(want("welcome", body)),
        state(pending=(_pending(body, timedelta(hours=1)),)),
        [],
        CATALOG,
        CDN,
        NOW,
    )
    action = one(result)
    assert isinstance(action, Create)
    assert action.reason == "previous create's outcome unknown; not found in listing"


def test_lost_create_without_refresh_waits() -> None:
    body = spec()
    result = plan(
        desired(want("welcome", body)),
        state(pending=(_pending(body, timedelta(hours=1)),)),
        None,
        None,
        CDN,
        NOW,
    )
    assert result.actions == () and result.pending[0].state == "unknown"


# --- lifecycle ------------------------------------------------------------------------------


def test_prevent_destroy_refuses_a_regenerate_naming_the_line() -> None:
    old, new = spec(), spec(voice="Mia")
    video = want("welcome", new, lifecycle=Lifecycle(prevent_destroy=True), line=10)
    with pytest.raises(PreventDestroy) as caught:
        plan(
            desired(video),
            state({"welcome": record("v1", old)}),
            [listed("v1", "Welcome")],
            CATALOG,
            CDN,
            NOW,
        )
    assert "videos/main.yaml:30:7: welcome would be regenerated (voice changed)" in str(
        caught.value
    )
    assert "--target" in str(caught.value)


def test_prevent_destroy_refuses_destroy() -> None:
    body = spec()
    video = want("welcome", body, lifecycle=Lifecycle(prevent_destroy=True))
    with pytest.raises(PreventDestroy, match="welcome would be deleted"):
        plan(
            desired(video),
            state({"welcome": record("v1", body)}),
            [listed("v1", "Welcome")],
            CATALOG,
            CDN,
            NOW,
            PlanOptions(destroy=True),
        )


def test_prevent_destroy_allows_a_rename() -> None:
    old, new = spec(), spec(name="New name")
    video = want("welcome", new, lifecycle=Lifecycle(prevent_destroy=True))
    result = plan(
        desired(video),
        state({"welcome": record("v1", old)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert isinstance(one(result), Rename)


def test_ignore_changes_fields_never_cause_an_action() -> None:
    old = spec()
    new = spec(name="Other", script="Entirely new words.")
    life = Lifecycle(ignore_changes=("script", "video_name"))
    remote = [listed("v1", "Renamed in the UI", body={**old, "script": "drifted"})]
    result = plan(
        desired(want("welcome", new, lifecycle=life)),
        state({"welcome": record("v1", old)}),
        remote,
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


def test_ignore_changes_covers_nested_fields() -> None:
    old = spec(composition={"scale": 0.5})
    new = spec(composition={"scale": 0.8})
    life = Lifecycle(ignore_changes=("composition",))
    result = plan(
        desired(want("welcome", new, lifecycle=life)),
        state({"welcome": record("v1", old)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


# --- catalog --------------------------------------------------------------------------------


def test_catalog_problems_point_at_the_manifest_lines() -> None:
    bad = spec(voice="Julia_01", actor={"name": "Natalia", "version": "9.9.9", "shot": "waist"})
    with pytest.raises(ManifestError) as caught:
        plan(desired(want("welcome", bad, line=3)), state(), [], CATALOG, CDN, NOW)
    problems = caught.value.problems
    assert [(str(p.location), p.message) for p in problems] == [
        ("videos/main.yaml:6:5", "Natalia has no version '9.9.9'"),
        ("videos/main.yaml:9:5", "unknown voice 'Julia_01'"),
    ]


def test_catalog_checks_only_what_will_be_generated() -> None:
    bad = spec(voice="Retired")
    result = plan(
        desired(want("welcome", bad)),
        state({"welcome": record("v1", bad)}),
        [listed("v1", "Welcome")],
        CATALOG,
        CDN,
        NOW,
    )
    assert result.actions == ()


# --- targeting, refresh, order --------------------------------------------------------------


def test_target_limits_actions_and_warns() -> None:
    result = plan(
        desired(want("a", spec(name="A")), want("b", spec(name="B"))),
        state(),
        [],
        CATALOG,
        CDN,
        NOW,
        PlanOptions(targets=("b", "zzz")),
    )
    assert [a.address for a in result.actions] == ["b"]
    assert any("Targeting is in effect" in w for w in result.warnings)
    assert any("--target zzz: no video" in w for w in result.warnings)


def test_no_refresh_plans_against_state_and_says_so() -> None:
    old, new = spec(), spec(name="New")
    result = plan(
        desired(want("welcome", new), want("fresh", spec(name="F"))),
        state({"welcome": record("v1", old)}),
        None,
        None,
        CDN,
        NOW,
    )
    assert [a.kind for a in result.actions] == ["create", "rename"]
    assert result.refreshed is False
    assert result.warnings[0].startswith("Not refreshed (--no-refresh)")
    assert result.cost.quota_left is None


def test_order_is_fixed_by_address_then_kind() -> None:
    body = spec()
    videos = [want(f"v{i:02d}", spec(name=f"N{i}")) for i in range(12)]
    recs = {"gone": record("g1", body), "v03": record("x3", spec(name="Other"))}
    remote = [listed("g1", "Welcome"), listed("x3", "Other")]
    first = plan(desired(*videos), state(recs), remote, CATALOG, CDN, NOW)
    random.Random(4).shuffle(videos)
    remote.reverse()
    second = plan(desired(*videos), state(recs), remote, CATALOG, CDN, NOW)
    assert first == second
    keys = [a.sort_key() for a in first.actions]
    assert keys == sorted(keys)
    assert [a.kind for a in first.actions if a.address in ("gone", "v03")] == ["delete", "rename"]


# --- cost -----------------------------------------------------------------------------------


def test_plan_cost_sums_actions_and_the_refresh() -> None:
    videos = [want(f"v{i}", spec(name=f"N{i}")) for i in range(3)]
    remote = [listed(f"u{i}", None) for i in range(1500)]
    result = plan(
        desired(*videos), state(), remote, CATALOG, CDN, NOW, PlanOptions(requests_used=312)
    )
    cost = result.cost
    assert cost.generation_requests == 3
    assert cost.refresh_requests == 1 + 2  # catalog + ceil(1500 / 1000) pages
    # 3 POSTs at once, each ~120 s: polled by expectation, looks at 3, 12, 39 and 99 s
    # (nothing is due yet: rarely) and a round at 121 s (all three ready), one page each (a
    # round lists only what was made since the first POST, not the 1500 others); no status
    # call (no video is late)
    assert cost.polling_requests == 5
    assert cost.api_requests == 3 + 3 + 5
    assert cost.minutes == pytest.approx(3 * len(SCRIPT) / 14 / 60, abs=0.002)
    assert cost.quota_left == 544.0 and cost.unit == "minutes"
    assert (cost.requests_used, cost.requests_cap) == (312, 1500)


def test_ssml_script_duration_strips_tags_and_adds_breaks() -> None:
    script = '<speak>Hello <break time="500ms"/> world <break time="2s"/></speak>'
    action = one(plan(desired(want("w", spec(script=script))), state(), [], CATALOG, CDN, NOW))
    assert action.cost.minutes == pytest.approx((len("Hello world") / 14 + 2.5) / 60, abs=0.001)


def test_failed_task_the_listing_does_not_show_is_created_again_as_failed() -> None:
    body = spec()
    rec = record("v1", body, status=TaskState.FAILED)
    action = one(
        plan(desired(want("welcome", body)), state({"welcome": rec}), [], CATALOG, CDN, NOW)
    )
    assert isinstance(action, Create) and action.reason == "task failed: no reason given"


def test_polling_rounds_follow_the_engines_schedule() -> None:
    from vidspec.plan.cost import polling_requests, polling_rounds, round_moments
    from vidspec.providers.base import Rate
    from vidspec.providers.cdnvideo.api import capabilities

    fast = capabilities(generation_rate=Rate(10, 1.0), generation_seconds=0.05)
    # 200 POSTs, 10 each second (the bucket's tokens come back a second after use): the last
    # at 19 s, done at 19.05 s; rounds never closer than 3 s: 7.
    assert polling_rounds(200, fast) == 7
    assert polling_rounds(1, fast) == 1 and polling_rounds(0, fast) == 0
    assert polling_requests(200, 10_000, fast) == 7  # one page a round: only the new videos
    slow = capabilities(generation_rate=Rate(10, 60.0), generation_seconds=120.0)
    # 10 at once, 10 more a minute later (ready at 120 s and 180 s, looked for 1 s later):
    # looks at 3, 12, 39 and 99 s (none due), rounds at 121 s (the first ten) and 181 s.
    assert round_moments(20, slow) == [3.0, 12.0, 39.0, 99.0, 121.0, 181.0]
