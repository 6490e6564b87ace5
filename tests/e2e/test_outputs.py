"""What a refresh sees is shown and recorded (issue 13 items 5 and 6): statuses after
``apply --no-wait``, ``vidspec output``, the link in ``state show``, ``outputs`` in
``show --json``. The real CLI in-process against the CDNvideo emulator, on its clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, simple_videos
from cli_run import Cli

from vidspec.core.videos import TaskState
from vidspec.render.outputs import outputs_json, render_outputs_text
from vidspec.state import LocalStateStore
from vidspec.state.observed import Observed, Seen


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli, queue_seconds=0.0, processing_seconds=3.0)


def submitted(env: ApplyEnv, monkeypatch: pytest.MonkeyPatch, count: int = 2) -> None:
    env.write_videos(simple_videos(count))
    code, _, err = env.run("apply", "--auto-approve", "--no-wait")
    assert code == 0, err
    assert {r.status for r in LocalStateStore(env.project).load().videos.values()} == {
        TaskState.QUEUED
    }


def test_a_plans_refresh_shows_finished_statuses_and_the_next_write_records_them(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted(env, monkeypatch)
    env.clock.advance(10)
    assert env.run("plan")[0] == 0
    state_file = env.root / ".vidspec" / "state.json"
    before = state_file.read_bytes()
    code, out, err = env.run("state", "list")
    assert code == 0
    assert [line.split()[2] for line in out.splitlines()[1:]] == ["done*", "done*"]
    assert "* as the listing read" in err and "records it on its next write" in err
    assert state_file.read_bytes() == before  # plan and state list write no state
    # the next write (here: state mv) records what the refresh saw
    assert env.run("state", "mv", "video-01", "video-09")[0] == 0
    videos = LocalStateStore(env.project).load().videos
    assert {a: r.status for a, r in videos.items()} == {
        "video-00": TaskState.DONE,
        "video-09": TaskState.DONE,
    }
    out = env.run("state", "list")[1]
    assert "*" not in out


def test_output_shows_id_status_url_expiry_and_download(env: ApplyEnv) -> None:
    videos = simple_videos(2)
    videos["video-00"]["download"] = "out/v0.mp4"
    env.write_videos(videos)
    code, _, err = env.run("apply", "--auto-approve")
    assert code == 0, err
    code, out, err = env.run("output", "--refresh", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["video-00", "video-01"]
    record = LocalStateStore(env.project).load().videos["video-00"]
    assert record.download is not None
    assert doc["video-00"]["id"] == record.id
    assert doc["video-00"]["status"] == "done"
    assert doc["video-00"]["url"].startswith(env.server.base_url.split("/app")[0])
    assert doc["video-00"]["download"]["path"] == "out/v0.mp4"
    assert doc["video-00"]["download"]["sha256"] == record.download.sha256
    assert doc["video-01"]["download"] is None
    one = json.loads(env.run("output", "video-01", "--json")[1])
    assert one == doc["video-01"]  # offline: what the refresh saw
    text = env.run("output", "video-00")[1]
    assert text.splitlines()[0] == "video-00"
    assert f"  url:      {doc['video-00']['url']} (listed " in text
    assert f"  download: out/v0.mp4 (sha256 {record.download.sha256})" in text
    shown = json.loads(env.run("state", "show", "video-00")[1])
    assert shown["url"] == doc["video-00"]["url"]
    full = json.loads(env.run("show", "--json")[1])
    assert full["outputs"] == doc and full["videos"]["video-00"]["id"] == record.id


def test_output_of_an_unknown_address_is_a_clear_error(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted(env, monkeypatch, 1)
    code, out, err = env.run("output", "nope")
    assert (code, out) == (1, "")
    assert "nope is not a managed video" in err


def test_a_link_from_the_server_is_escaped_for_the_terminal(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted(env, monkeypatch, 1)
    state = LocalStateStore(env.project).load()
    record = state.videos["video-00"]
    hostile = "https://cdn.example/v.mp4\x1b]0;owned\x07\u202e"
    observed = Observed(
        datetime(2027, 1, 1, tzinfo=timezone.utc), {record.id: Seen(TaskState.DONE, hostile)}
    )
    outputs = outputs_json(state, observed)
    assert outputs["video-00"]["url"] == "https://cdn.example/v.mp4\\x1b]0;owned\\x07\\u202e"
    text = render_outputs_text(outputs, observed)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
