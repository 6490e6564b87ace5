"""``detect_drift`` (pure): every kind of drift, from values."""

from __future__ import annotations

from datetime import timedelta

from plan_fixtures import CDN, NOW, listed, record, spec, state

from vidspec.core.videos import TaskState
from vidspec.plan.driftreport import detect_drift


def test_every_kind_and_nothing_for_what_is_fine() -> None:
    fine, changed, gone, old, broken, busy = (
        spec(name=n) for n in ("Fine", "Changed", "Gone", "Old", "Broken", "Busy")
    )
    the_state = state(
        {
            "fine": record("id-fine", fine),
            "changed": record("id-changed", changed),
            "gone": record("id-gone", gone),
            "old": record("id-old", old, age=timedelta(days=31)),
            "broken": record("id-broken", broken),
            "busy": record("id-busy", busy, status=TaskState.RUNNING),
        }
    )
    remote = [
        listed("id-fine", "Fine", body=fine),
        listed("id-changed", "Changed", body={**changed, "voice": "Jane"}),
        listed("id-broken", "Broken", state=TaskState.FAILED),
        # busy: not listed while running (a service may list it only once done): not drift
        listed("id-stray", "Fine"),  # named like a managed video, not managed
        listed("id-other", "Somebody else's"),  # unmanaged, not like ours: not drift
    ]
    report = detect_drift(the_state, remote, CDN, NOW, {"fine": timedelta(days=30)})
    found = [(i.address, i.kind, i.remote_id) for i in report.items]
    assert found == [
        ("broken", "failed", "id-broken"),
        ("changed", "changed", "id-changed"),
        ("fine", "expiring", "id-fine"),
        ("fine", "unknown", "id-stray"),
        ("gone", "deleted", "id-gone"),
        ("old", "expired", "id-old"),
    ]
    details = {i.kind: i.detail for i in report.items}
    assert details["changed"] == "voice: 'Sara' -> 'Jane'"
    assert details["expiring"] == "expires in 29 days"
    assert report.to_json()["summary"]["renamed"] == 0 and report.checked == 6


def test_no_drift() -> None:
    body = spec(name="Fine")
    report = detect_drift(
        state({"fine": record("id-fine", body)}),
        [listed("id-fine", "Fine", body=body)],
        CDN,
        NOW,
        {},
    )
    assert not report.drifted and report.to_json()["items"] == []
