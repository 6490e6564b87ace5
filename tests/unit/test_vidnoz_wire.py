"""What goes over the wire to and from Vidnoz (pure): the form, the envelope, the answers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from vidspec.core.errors import ProviderError
from vidspec.core.videos import TaskState
from vidspec.providers.vidnoz.wire import (
    Envelope,
    form_parts,
    listed_video,
    read_envelope,
    task_state,
    task_video,
)

J = "application/json"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def test_nested_fields_become_bracketed_json_parts_and_scalars_plain_parts():
    spec = {
        "name": "Welcome — Acme",
        "aspect": 3,
        "avatar": {"id": "A1", "style": 3, "scale": 1.0, "offset": {"x": -5, "y": 0}},
        "voice": {"tts": {"id": "V1", "text": 'He said "hi"\nthen left', "speed": 0.8}},
        "background": {"media": {"url": "https://x/b.mp4", "fit": 1, "loop": False}},
    }
    assert form_parts(spec) == [
        ("name", (None, "Welcome — Acme")),
        ("aspect", (None, "3")),
        ("avatar[id]", (None, '"A1"', J)),
        ("avatar[style]", (None, "3", J)),
        ("avatar[scale]", (None, "1.0", J)),
        ("avatar[offset][x]", (None, "-5", J)),
        ("avatar[offset][y]", (None, "0", J)),
        ("voice[tts][id]", (None, '"V1"', J)),
        ("voice[tts][text]", (None, '"He said \\"hi\\"\\nthen left"', J)),
        ("voice[tts][speed]", (None, "0.8", J)),
        ("background[media][url]", (None, '"https://x/b.mp4"', J)),
        ("background[media][fit]", (None, "1", J)),
        ("background[media][loop]", (None, "false", J)),
    ]


def test_a_missing_background_is_sent_as_the_default_colour_and_nones_are_left_out():
    parts = form_parts({"name": None, "avatar": {"id": "A1", "style": None}})
    assert parts == [
        ("avatar[id]", (None, '"A1"', J)),
        ("background[color]", (None, '"#ffffff"', J)),
    ]


def test_the_envelope():
    assert read_envelope({"code": 803, "message": " slow down ", "data": None}) == Envelope(
        803, "slow down", None
    )
    assert read_envelope({"code": 200, "data": {"x": 1}}) == Envelope(200, "", {"x": 1})
    for not_one in ([], {"status": "ok"}, {"code": "200"}, {"code": True}, None):
        assert read_envelope(not_one) is None


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        (0, TaskState.QUEUED),
        (2, TaskState.RUNNING),
        (1, TaskState.DONE),
        (3, TaskState.FAILED),
        ("1", TaskState.DONE),
        (7, TaskState.FAILED),
        (None, TaskState.FAILED),
        (True, TaskState.FAILED),
    ],
)
def test_task_states_are_normalised(raw, state):
    assert task_state(raw) is state


def test_a_list_item_as_a_remote_video():
    item = {
        "id": "T1",
        "name": "Welcome",
        "status": 1,
        "create_at": "2026-11-02 09:00:05",
        "file_720p": {"size": 10, "duration": 12.5, "url": "https://f/720.mp4"},
        "file_1080p": {"size": 20, "duration": 12.5, "url": "https://f/1080.mp4"},
    }
    video = listed_video(item, path="/v2/video/list")
    assert video.id == "T1" and video.name == "Welcome" and video.state is TaskState.DONE
    assert video.created_at == datetime(2026, 11, 2, 9, 0, 5, tzinfo=timezone.utc)
    assert (video.url, video.resolution, video.duration) == ("https://f/1080.mp4", "1080p", 12.5)
    assert video.spec is None
    only_720 = listed_video({**item, "file_1080p": None}, path="/v2/video/list")
    assert (only_720.url, only_720.resolution) == ("https://f/720.mp4", "720p")
    drafted = listed_video({**item, "status": 0, "file_720p": None, "file_1080p": None}, path="/")
    assert drafted.url is None and drafted.state is TaskState.QUEUED


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"name": "x"}, "an item without an id"),
        ({"id": "T1", "create_at": "yesterday"}, "gives video T1 an unreadable create_at"),
    ],
)
def test_a_bad_list_item_is_a_provider_error(item, message):
    with pytest.raises(ProviderError, match=message):
        listed_video(item, path="/v2/video/list")


def test_a_detail_as_a_remote_video():
    data = {
        "id": "T1",
        "status": 1,
        "message": "ok",
        "additional_data": {
            "video_720p": {"url": "https://f/720.mp4", "size": 1, "duration": 9.0},
            "url": "https://f/any.mp4",
            "video_duration": 9.5,
        },
    }
    video = task_video(data, video_id="T1", now=NOW, path="/v2/task/detail")
    assert (video.state, video.url, video.resolution) == (
        TaskState.DONE,
        "https://f/720.mp4",
        "720p",
    )
    assert video.duration == 9.5 and video.created_at == NOW and video.name is None
    bare = task_video({"status": 2, "additional_data": []}, video_id="T2", now=NOW, path="/")
    assert (bare.id, bare.state, bare.url, bare.message) == ("T2", TaskState.RUNNING, None, None)
    with pytest.raises(ProviderError, match="no data object"):
        task_video(None, video_id="T3", now=NOW, path="/v2/task/detail")
