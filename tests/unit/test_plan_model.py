"""The Plan value: safety and quota checks, its JSON document against the schema, saved plans."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from plan_fixtures import (
    CDN,
    LINEAGE,
    NOW,
    TinyCatalog,
    desired,
    every_kind_plan,
    listed,
    spec,
    state,
    want,
)

from vidspec.core.errors import PlanError, QuotaExceeded, UnsafePlan, UsageError
from vidspec.plan import (
    Plan,
    PlanCost,
    SavedPlan,
    listing_fingerprint,
    load_saved_plan,
    plan_schema,
    write_saved_plan,
)
from vidspec.plan.planner import PlanOptions, plan
from vidspec.project.config import Safety
from vidspec.state import ProviderRef


@pytest.fixture(scope="module")
def every_kind() -> Plan:
    result = every_kind_plan()
    assert isinstance(result, Plan)
    return result


def creates(count: int, **options: object) -> Plan:
    videos = [want(f"v{i:03d}", spec(name=f"N{i}")) for i in range(count)]
    return plan(desired(*videos), state(), [], TinyCatalog(), CDN, NOW, PlanOptions(**options))  # type: ignore[arg-type]


# --- safety and quota -----------------------------------------------------------------------


def test_plan_within_limits_passes(every_kind: Plan) -> None:
    every_kind.check(Safety())


def test_too_many_deletes_or_regenerations_is_unsafe_with_numbers_and_the_override(
    every_kind: Plan,
) -> None:
    with pytest.raises(UnsafePlan) as caught:
        every_kind.check(Safety(max_deletes=0, max_regenerations=1, max_minutes=0.1))
    message = str(caught.value)
    assert "it deletes 1 videos; safety.max_deletes is 0" in message
    assert "it regenerates 2 videos; safety.max_regenerations is 1" in message
    assert "it generates ~0.5 video minutes; safety.max_minutes is 0.1" in message
    assert "--force" in message
    every_kind.check(Safety(max_deletes=0, max_regenerations=1, max_minutes=0.1), force=True)


def test_more_minutes_than_the_quota_left_is_refused_even_with_force() -> None:
    result = plan(
        desired(*(want(f"v{i}", spec(name=f"N{i}")) for i in range(4))),
        state(),
        [],
        TinyCatalog(left=0.3),
        CDN,
        NOW,
    )
    with pytest.raises(QuotaExceeded) as caught:
        result.check(Safety(), force=True)
    assert "needs ~0.4 minutes; the account has 0.3 minutes left" in str(caught.value)
    assert "--force does not override this" in str(caught.value)


def test_more_requests_than_left_this_month_is_refused() -> None:
    result = creates(3, requests_used=1495)  # 3 POSTs + 2 refresh + 5 polling rounds > 5
    with pytest.raises(QuotaExceeded, match=r"needs ~10 API requests; 1495 of the 1500"):
        result.check(Safety(), force=True)


def test_a_plan_with_no_changes_is_never_refused_for_requests() -> None:
    body = spec()
    from plan_fixtures import record

    result = plan(
        desired(want("welcome", body)),
        state({"welcome": record("v1", body)}),
        [listed("v1", "Welcome")],
        TinyCatalog(),
        CDN,
        NOW,
        PlanOptions(requests_used=1500),
    )
    assert not result.has_changes
    result.check(Safety())


def test_summary_counts_every_kind(every_kind: Plan) -> None:
    assert every_kind.summary == {
        "move": 1,
        "adopt": 1,
        "create": 1,
        "rename": 1,
        "regenerate": 2,
        "delete": 1,
        "forget": 1,
        "download": 1,
    }


# --- the JSON document ----------------------------------------------------------------------


def test_plan_json_validates_against_the_published_schema(every_kind: Plan) -> None:
    schema = plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(every_kind.to_json())
    jsonschema.Draft202012Validator(schema).validate(every_kind.to_json(full=True))


def test_schema_catches_a_broken_document(every_kind: Plan) -> None:
    doc = every_kind.to_json()
    del doc["actions"][0]["reason"]
    doc["summary"]["create"] = -1
    errors = list(jsonschema.Draft202012Validator(plan_schema()).iter_errors(doc))
    assert len(errors) == 2


def test_plan_json_keys_are_the_contract(every_kind: Plan) -> None:
    doc = every_kind.to_json()
    assert set(doc) == {
        "format_version",
        "refreshed",
        "fingerprint",
        "actions",
        "summary",
        "cost",
        "apply_time",
        "pending",
        "unconfirmed",  # issue 19: creates awaiting confirmation
        "converged",
        "unmanaged",
        "warnings",
    }
    assert doc["format_version"] == 1
    assert set(doc["actions"][0]) >= {"address", "action", "reason", "changes", "cost"}
    assert list(doc["summary"]) == [
        "move",
        "adopt",
        "create",
        "rename",
        "regenerate",
        "delete",
        "forget",
        "download",
    ]
    # a pending download is an action like the others, with the path it saves to
    download = next(a for a in doc["actions"] if a["action"] == "download")
    assert download == {
        "address": "tour",
        "action": "download",
        "reason": "file missing",
        "changes": [],
        "cost": {"generation_requests": 0, "api_requests": 1, "minutes": 0.0},
        "remote_id": "vid-tour",
        "download": "out/tour.mp4",
    }
    assert doc["unmanaged"] == {
        "count": 2,
        "videos": [{"id": "zz-1", "name": "Made by hand"}, {"id": "zz-2", "name": None}],
    }


def test_full_json_round_trips_to_an_equal_plan(every_kind: Plan) -> None:
    again = Plan.from_json(json.loads(json.dumps(every_kind.to_json(full=True))))
    assert again == every_kind


# --- saved plans ----------------------------------------------------------------------------


def saved(result: Plan) -> SavedPlan:
    return SavedPlan(
        plan=result,
        lineage=LINEAGE,
        serial=3,
        provider=ProviderRef("cdnvideo", "acme"),
        remote_fingerprint=listing_fingerprint([listed("a", "A"), listed("b", None)]),
        created_at=NOW,
        targets=("welcome",),
    )


def test_saved_plan_round_trips_through_its_file(every_kind: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_saved_plan(path, saved(every_kind))
    loaded = load_saved_plan(path)
    assert loaded == saved(every_kind)
    doc = json.loads(path.read_text())
    assert doc["saved"]["lineage"] == LINEAGE and doc["saved"]["serial"] == 3
    create = next(a for a in doc["actions"] if a["action"] == "create")
    assert create["spec"]["script"].startswith("<speak>")  # the full request body is kept


def test_listing_fingerprint_ignores_order_but_not_names_or_states() -> None:
    a, b = listed("a", "A"), listed("b", "B")
    assert listing_fingerprint([a, b]) == listing_fingerprint([b, a])
    assert listing_fingerprint([a, b]) != listing_fingerprint([a, replace(b, name="C")])
    assert listing_fingerprint([a]) != listing_fingerprint([a, b])


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (None, UsageError, "no such plan file"),
        ("{not json", PlanError, "not a vidspec plan file"),
        ('{"format_version": 9}', PlanError, "format_version 9"),
        ("[]", PlanError, "not a valid vidspec plan file"),
    ],
)
def test_load_saved_plan_errors_are_clear(
    tmp_path: Path, content: str | None, error: type[Exception], message: str
) -> None:
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=message):
        load_saved_plan(path)


def test_plan_json_output_is_not_a_saved_plan(every_kind: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(every_kind.to_json()))
    with pytest.raises(PlanError, match="output of `plan --json`, not a saved plan"):
        load_saved_plan(path)


def test_tampered_saved_plan_is_refused(every_kind: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_saved_plan(path, saved(every_kind))
    doc = json.loads(path.read_text())
    doc["actions"][0]["action"] = "explode"
    path.write_text(json.dumps(doc))
    with pytest.raises(PlanError, match="actions/0/action"):
        load_saved_plan(path)


def test_plan_cost_defaults_are_neutral() -> None:
    assert PlanCost().to_json()["quota_left"] is None
