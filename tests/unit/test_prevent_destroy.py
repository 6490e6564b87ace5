"""``lifecycle.prevent_destroy`` against ``regenerate_before_expiry``: a regenerate whose only
reason is the coming expiry renews a video the service deletes within days anyway, so it is
allowed; a regenerate for any other reason (with or without the expiry), and a delete, is
refused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import jsonschema
import pytest
from plan_fixtures import CDN, NOW, TinyCatalog, desired, listed, record, spec, state, want

from vidspec.core.errors import PreventDestroy
from vidspec.plan import Plan, Regenerate, plan_schema
from vidspec.plan.planner import PlanOptions, plan
from vidspec.project.model import Lifecycle
from vidspec.providers.base import Capabilities

PROTECTED = Lifecycle(prevent_destroy=True, regenerate_before_expiry=timedelta(days=3))
OLD = spec()
AGE = timedelta(days=28)  # made 28 days ago: 2 days left of 30


def planned(
    new: dict[str, object],
    *,
    listed_body: dict[str, object] | None = OLD,
    caps: Capabilities = CDN,
    options: PlanOptions | None = None,
) -> Plan:
    return plan(
        desired(want("welcome", new, lifecycle=PROTECTED, line=10)),
        state({"welcome": record("v1", OLD, age=AGE)}),
        [listed("v1", str(OLD["video_name"]), age=AGE, body=listed_body)],
        TinyCatalog(),
        caps,
        NOW,
        options,
    )


def test_an_expiry_alone_renews_a_protected_video() -> None:
    result = planned(OLD)
    [action] = result.actions
    assert isinstance(action, Regenerate)
    assert (action.reason, action.renewal, action.delete_old) == ("expires in 2 days", True, True)
    doc = json.loads(json.dumps(result.to_json(full=True)))
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert doc["actions"][0]["renewal"] is True
    assert Plan.from_json(doc) == result


def test_a_name_change_riding_on_a_renewal_is_still_a_renewal() -> None:
    # a service that cannot rename: the new name comes with the renewal anyway
    caps = replace(CDN, can_rename=False)
    result = planned({**OLD, "video_name": "Hello"}, caps=caps)
    [action] = result.actions
    assert isinstance(action, Regenerate) and action.renewal
    assert action.reason == "expires in 2 days"


@pytest.mark.parametrize(
    ("new", "listed_body", "options", "reason"),
    [
        (spec(voice="Mia"), OLD, None, "voice changed; expires in 2 days"),
        (OLD, spec(voice="Mia"), None, "changed outside vidspec; expires in 2 days"),
        (
            OLD,
            OLD,
            PlanOptions(replace=("welcome",)),
            "replacement requested; expires in 2 days",
        ),
    ],
)
def test_any_other_reason_with_the_expiry_is_refused(
    new: dict[str, object],
    listed_body: dict[str, object],
    options: PlanOptions | None,
    reason: str,
) -> None:
    with pytest.raises(PreventDestroy) as caught:
        planned(new, listed_body=listed_body, options=options)
    assert f"videos/main.yaml:30:7: welcome would be regenerated ({reason})" in str(caught.value)


def test_a_delete_is_refused_even_when_the_video_expires_soon() -> None:
    with pytest.raises(PreventDestroy, match="welcome would be deleted"):
        planned(OLD, options=PlanOptions(destroy=True))
