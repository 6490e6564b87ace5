"""A create in the plan comment shows what the new video is: its name and the first words of
its script (issue 25 section 3), escaped and bounded, whatever the vendor's field names."""

from __future__ import annotations

from plan_fixtures import CDN, NOW, desired, state, want

from vidspec.plan.actions import Create, FieldChange
from vidspec.plan.planner import plan
from vidspec.render.markdown import render_markdown
from vidspec.render.preview import CHARS, create_preview


def create(**fields: object) -> Create:
    changes = tuple(FieldChange(path, None, value) for path, value in fields.items())
    return Create(address="welcome", reason="new", changes=changes, spec={}, spec_hash="0")


def test_name_and_first_words_of_a_cdnvideo_create() -> None:
    action = create(**{"actor.name": "Natalia", "script": "Hello there. " * 3, "video_name": "Hi"})
    assert create_preview(action) == 'Hi: "Hello there. Hello there. Hello there."'


def test_ssml_tags_are_dropped_and_a_second_line_is_marked_as_more() -> None:
    script = '<speak>Welcome to Acme. <break time="1s"/> We make videos.\nSecond line.</speak>'
    assert create_preview(create(script=script)) == '"Welcome to Acme. We make videos.…"'


def test_vendors_text_fields_and_a_bound() -> None:
    long = "word " * 40
    vidnoz = create(**{"name": "Promo", "voice.tts.text": long})
    preview = create_preview(vidnoz)
    assert preview is not None and preview.startswith('Promo: "word word')
    assert preview.endswith('…"') and len(preview) <= len("Promo: ") + CHARS + 3
    synthesia = create(**{"title": "Intro", "input.0.scriptText": "Hi all"})
    assert create_preview(synthesia) == 'Intro: "Hi all"'


def test_a_hostile_script_is_escaped_in_the_comment() -> None:
    script = "@everyone look | <img src=x onerror=alert(1)> \x1b[31mred"
    the_plan = plan(
        desired(want("evil", {"video_name": "E", "script": script})), state(), [], None, CDN, NOW
    )
    row = next(line for line in render_markdown(the_plan).splitlines() if "`evil`" in line)
    assert "<img" not in row and "@everyone" not in row and "\x1b" not in row
    assert row.count(" | ") == 3  # the pipe in the script did not add a column
    assert 'E: "' in row
