"""Issue 12: a finished video's file is fetched beside the loop (``engine/fetching.py``), so a
slow file does not hold up the next POST; it is recorded once it lands."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import Recorder, simple_videos
from hostile import Hostile, forward, reply
from hostile_env import FILES, HostileEnv, make_hostile_env

from vidspec.engine import Outcome, Progress

# 21 creates: 10 go at once (10 a minute), 10 a minute later, the 21st two minutes in. The
# round a minute in (polling expects CDNvideo's two minutes: once a minute until then) finds
# video-00 (3 s) done and asks for its file, long before the last POST.
# Only a guard against a hang when the file does hold up the loop: the passing run releases
# the file as soon as the last POST is sent.
_GUARD = 15.0


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch)


def test_a_file_held_by_the_server_does_not_hold_up_the_next_posts(
    hostile_env: HostileEnv,
) -> None:
    videos = simple_videos(21)
    videos["video-00"]["download"] = "out/first.mp4"
    hostile_env.env.write_videos(videos)
    asked = threading.Event()  # the file was asked for
    last_post = threading.Event()  # the last create was sent
    seen: dict[str, bool] = {}

    def held_file(handler: object, hostile: Hostile) -> None:
        asked.set()
        seen["released by the last POST"] = last_post.wait(_GUARD)
        reply(handler, *forward(handler, hostile))  # type: ignore[arg-type]

    hostile_env.hostile.add("GET", FILES, held_file)

    class Watching(Recorder):
        def submitted(self, address: str, video_id: str, progress: Progress) -> None:
            super().submitted(address, video_id, progress)
            if address == "video-20":
                # the pool asks beside the loop: on the manual clock the minute between is no
                # real time, so give its request the time a real minute would
                seen["file asked before the last POST"] = asked.wait(_GUARD)
                last_post.set()

    results = hostile_env.env.apply(reporter=Watching())
    assert results is not None and results.ok, [r.detail for r in results.rows]
    # the file was being fetched while the later creates went out, and the loop went on
    assert seen == {"file asked before the last POST": True, "released by the last POST": True}
    row = next(r for r in results.rows if r.address == "video-00")
    assert row.outcome is Outcome.DONE
    assert row.detail.endswith("saved out/first.mp4")
    record = hostile_env.env.state().videos["video-00"]
    assert record.download is not None and record.download.path == "out/first.mp4"
    assert (hostile_env.env.root / "out" / "first.mp4").stat().st_size == record.download.size
    assert hostile_env.env.kinds() == []  # nothing left to do
