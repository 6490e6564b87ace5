"""The three plan renderers against whole golden files (never substrings).

Regenerate the files after an intended change with ``VIDSPEC_UPDATE_GOLDEN=1 pytest
tests/unit/test_render_golden.py`` and review the diff like any other change.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from plan_fixtures import (
    CDN,
    NOW,
    NOZ,
    SCRIPT,
    desired,
    every_kind_plan,
    listed,
    record,
    spec,
    state,
    want,
)
from repo_paths import GOLDEN

from vidspec.emulator.vidnoz.catalog import AVATARS, VOICES, avatar_list, voice_list
from vidspec.plan import Plan
from vidspec.plan.planner import plan
from vidspec.project.model import spec_hash
from vidspec.providers.vidnoz.api import CAPABILITIES as VIDNOZ
from vidspec.providers.vidnoz.catalog import VidnozCatalog
from vidspec.render.jsonout import render_json
from vidspec.render.markdown import render_markdown
from vidspec.render.rows import word_diff, word_diff_plain
from vidspec.render.text import render_text
from vidspec.state.model import PendingRecord

ANNA, JENNY = AVATARS[0]["id"], VOICES[0]["id"]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("VIDSPEC_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with VIDSPEC_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def every_kind() -> Plan:
    result = every_kind_plan()
    assert isinstance(result, Plan)
    kinds = {a.kind for a in result.actions}
    assert kinds == {
        "create",
        "rename",
        "regenerate",
        "delete",
        "forget",
        "move",
        "adopt",
        "download",
    }
    return result


def empty_plan() -> Plan:
    return plan(desired(), state(), [], None, replace(NOZ, listing_fields=("name",)), NOW)


def unconfirmed_plan() -> Plan:
    """A create whose answer was lost 5 minutes ago, not listed yet (issue 19 item 3): no
    action now, and not converged."""
    body = spec("Welcome")
    lost = PendingRecord(
        address="welcome",
        action="create",
        spec_hash=spec_hash(body),
        spec=body,
        started_at=NOW - timedelta(minutes=5),
        outcome="unknown",
    )
    return plan(desired(want("welcome", body)), state(pending=(lost,)), [], None, CDN, NOW)


def vidnoz_plan() -> Plan:
    """Vidnoz's own capabilities and catalog: no rename (a new name is a new video), no
    delete (forgotten, with the date it expires), credits, and a listing without settings."""
    old = {"name": "Old", "avatar": {"id": ANNA}, "voice": {"tts": {"id": JENNY, "text": SCRIPT}}}
    week = timedelta(days=7)
    return plan(
        desired(want("intro", {**old, "name": "New"})),
        state(
            {
                "intro": record("n1", old, retention=week),
                "gone": record("n2", old, retention=week, age=timedelta(days=3)),
            },
            kind="vidnoz",
        ),
        [listed("n1", "Old"), listed("n2", "Old", age=timedelta(days=3))],
        VidnozCatalog.from_lists(avatar_list(), voice_list()),
        VIDNOZ,
        NOW,
    )


def test_text_golden(every_kind: Plan) -> None:
    check_golden("plan_every_kind.txt", render_text(every_kind))


def test_text_golden_in_colour(every_kind: Plan) -> None:
    text = render_text(every_kind, color=True)
    assert "\x1b[32m" in text and "\x1b[31m" in text and "\x1b[33m" in text
    check_golden("plan_every_kind.color.txt", text)


def test_json_golden(every_kind: Plan) -> None:
    check_golden("plan_every_kind.json", render_json(every_kind))


def test_markdown_golden(every_kind: Plan) -> None:
    check_golden("plan_every_kind.md", render_markdown(every_kind))


def test_markdown_truncated_golden(every_kind: Plan) -> None:
    text = render_markdown(every_kind, limit=2500)
    assert len(text) <= 2500
    check_golden("plan_every_kind.truncated.md", text)


def test_empty_plan_goldens() -> None:
    check_golden("plan_empty.txt", render_text(empty_plan()))
    check_golden("plan_empty.md", render_markdown(empty_plan()))


def test_unconfirmed_create_goldens() -> None:
    result = unconfirmed_plan()
    assert result.actions == () and not result.has_changes and not result.converged
    check_golden("plan_unconfirmed.txt", render_text(result))
    check_golden("plan_unconfirmed.json", render_json(result))
    check_golden("plan_unconfirmed.md", render_markdown(result))


def test_vidnoz_like_goldens() -> None:
    result = vidnoz_plan()
    check_golden("plan_vidnoz.txt", render_text(result))
    check_golden("plan_vidnoz.json", render_json(result))
    check_golden("plan_vidnoz.md", render_markdown(result))


def test_no_colour_unless_asked(every_kind: Plan) -> None:
    assert "\x1b[" not in render_text(every_kind)
    assert "\x1b[" not in render_markdown(every_kind)


def test_json_output_is_the_plan_document(every_kind: Plan) -> None:
    doc = json.loads(render_json(every_kind))
    assert doc == every_kind.to_json()
    assert doc["summary"]["regenerate"] == 2


def test_markdown_stays_under_the_limit_with_thousands_of_videos() -> None:
    videos = [
        want(f"video-{i:05d}", {"video_name": f"V{i}", "script": SCRIPT * 3}) for i in range(3000)
    ]
    big = plan(desired(*videos), state(), [], None, NOZ, NOW)
    text = render_markdown(big)
    assert len(text) <= 60_000
    assert text.count("<details>") < 3000
    note = re.search(
        r"_the diffs of 3000 videos and (\d+) videos from the table left out to keep this "
        r"comment under 60,000",
        text,
    )
    assert note is not None
    assert text.count("\n| `+` create |") == 3000 - int(note.group(1))
    assert text.endswith("\n")


def test_word_diff_marks_only_changed_words_and_keeps_line_breaks() -> None:
    before = "one two three\nfour five"
    after = "one 2 three\nfour five six"
    assert word_diff_plain(word_diff(before, after)) == "one [-two-]{+2+} three\nfour five {+six+}"


def test_a_shortened_comment_counts_the_videos_behind_a_group() -> None:
    videos = [want(f"promo[k{i:02d}]", {"video_name": f"P{i}"}) for i in range(30)]
    videos.append(want("single", {"video_name": "Single"}))
    big = plan(desired(*videos), state(), [], None, NOZ, NOW)
    text = render_markdown(big, limit=1200, whole_plan_at="https://ci.example/run/1")
    assert len(text) <= 1200
    note = re.search(r"_the diffs of (\d+) videos", text)
    assert note is not None and note.group(1) == "31"
    assert "the whole plan is at https://ci.example/run/1._" in text
