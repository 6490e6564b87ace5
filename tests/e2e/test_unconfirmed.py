"""Issue 19 item 3: while a create is unconfirmed (its answer lost, its video not listed yet),
no plan says the videos match: the summary line says a create awaits confirmation and until
when, ``plan --detailed-exitcode`` and ``drift --detailed-exitcode`` exit 2 (not converged),
and the Markdown plan, the PR comment and the JSON carry it.

The real CLI in-process against the CDNvideo emulator behind the hostile proxy, which answers
the create with a 502 the service never saw (so no listing will show it), on the emulator's
clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from cli_run import Cli
from hostile import answer
from hostile_env import GENERATE, HostileEnv, make_hostile_env

from vidspec.core.times import format_time
from vidspec.engine import Outcome
from vidspec.plan.saved import plan_schema
from vidspec.render.comment import comment_body
from vidspec.render.text import render_text


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch, cli)


def lose_the_create(hostile_env: HostileEnv) -> str:
    """Apply one create whose POST is answered 502 (the service never made it); returns when
    a plan would create it again if it stays unlisted, as the plan shows it (``HH:MM UTC``, or
    with its date when that is past midnight)."""
    gateway = answer(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"})
    hostile_env.hostile.add("POST", GENERATE, gateway, times=1)
    before = hostile_env.env.clock.now()
    outcome, detail, _ = hostile_env.apply_one()
    assert outcome is Outcome.FAILED and "answer to the create was lost" in detail
    (pending,) = hostile_env.env.state().pending
    assert pending.started_at - before < timedelta(seconds=5)
    until = pending.started_at + timedelta(minutes=30)  # safety.pending_grace
    if until.date() != pending.started_at.date():  # past midnight: the date is said too
        return f"{until:%Y-%m-%d %H:%M} UTC"
    return f"{until:%H:%M} UTC"


LINE = "1 create awaits confirmation until {} (not listed yet)"


def test_an_unconfirmed_create_is_not_called_a_match_and_exits_2(hostile_env: HostileEnv) -> None:
    until = lose_the_create(hostile_env)
    run = hostile_env.env.run
    code, out, err = run("plan")
    assert code == 0, err
    assert out.startswith(f"No actions now; {LINE.format(until)}.\n"), out
    assert "match the manifests" not in out and "In flight" not in out
    assert "\nAwaiting confirmation (sent; its answer was lost" in out
    code, out, err = run("plan", "--detailed-exitcode")
    assert code == 2, err  # not converged
    code, markdown, _ = run("plan", "--markdown")
    assert markdown.startswith("### vidspec plan: no actions now\n\n")
    assert f"No actions now; {LINE.format(until)}." in markdown
    assert "match the manifests" not in markdown
    code, text, _ = run("plan", "--json")
    doc = json.loads(text)
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert doc["converged"] is False and doc["unconfirmed"]["count"] == 1
    (pending,) = doc["pending"]
    assert doc["unconfirmed"]["until"] == pending["until"]
    (record,) = hostile_env.env.state().pending
    assert pending["until"] == format_time(record.started_at + timedelta(minutes=30))


def test_drift_reports_the_unconfirmed_create_and_exits_2(hostile_env: HostileEnv) -> None:
    lose_the_create(hostile_env)
    code, out, err = hostile_env.env.run("drift", "--detailed-exitcode")
    assert code == 2, err
    assert "video-00" in out and "create awaiting confirmation" in out
    code, out, _ = hostile_env.env.run("drift", "--json")
    doc = json.loads(out)
    assert doc["drift"] is True and doc["summary"]["unconfirmed"] == 1
    assert doc["items"][0]["remote_id"] is None


def test_the_pr_comment_carries_the_line_and_a_plan_with_actions_too(
    hostile_env: HostileEnv,
) -> None:
    until = lose_the_create(hostile_env)
    body = comment_body(hostile_env.env.plan(), ".")
    assert f"No actions now; {LINE.format(until)}." in body
    hostile_env.env.write_videos(  # one more video: a plan with an action, still unconfirmed
        {
            "video-00": {"video_name": "Video 0", "script": "This is video number 0."},
            "video-01": {"video_name": "Video 1", "script": "This is video number 1."},
        }
    )
    text = render_text(hostile_env.env.plan())
    assert (
        f"\nPlan: 1 to create, 0 to rename, 0 to regenerate, 0 to delete.\n{LINE.format(until)}.\n"
        in text
    )


def test_once_the_video_is_listed_the_plan_adopts_it_and_converges(hostile_env: HostileEnv) -> None:
    lose_the_create(hostile_env)
    # the service made the video after all (the gateway's 502 hid it): now it lists it
    spec = hostile_env.env.state().pending[0].spec
    hostile_env.env.server.world.add_video_from_body(spec)
    hostile_env.env.clock.advance(60)
    assert [a.kind for a in hostile_env.env.plan().actions] == ["adopt"]
    assert hostile_env.env.run("apply", "--auto-approve")[0] == 0
    code, out, _ = hostile_env.env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n")


def test_an_abandoned_record_beside_an_unconfirmed_create_keeps_both_headers() -> None:
    """The old note (issue 13 item 15) with issue 19's line: neither "No changes" nor "In
    flight" for records whose videos may not exist."""
    from plan_fixtures import CDN, NOW, desired, spec, state, want

    from vidspec.plan.planner import plan
    from vidspec.project.model import spec_hash
    from vidspec.render.markdown import render_markdown
    from vidspec.state.model import PendingRecord

    def lost(address: str, age: timedelta) -> PendingRecord:
        body = spec(address.title())
        return PendingRecord(address, "create", spec_hash(body), body, NOW - age, "unknown")

    records = (lost("welcome", timedelta(minutes=5)), lost("gone", timedelta(hours=2)))
    result = plan(
        desired(want("welcome", spec("Welcome"))), state(pending=records), [], None, CDN, NOW
    )
    assert [p.state for p in result.pending] == ["abandoned", "unknown"]
    text = render_text(result)
    assert text.startswith(
        "No actions now; 1 create awaits confirmation until 09:25 UTC (not listed yet).\n"
        "No videos to change. Apply drops 1 abandoned create record from the state "
        "(nothing is created or paid).\n"
    ), text
    assert "No changes" not in text and "In flight" not in text
    assert "\nAbandoned (apply drops these records" in text
    markdown = render_markdown(result)
    assert markdown.startswith("### vidspec plan: no actions now\n")
    assert "Apply drops 1 abandoned create record" in markdown
