"""The emulator's store costs O(change) (issue 19 item 7b): each change appends a line to a
journal beside the world's document, which is rewritten only when the journal is folded into
it; a killed process leaves a world that loads. The figures (3,000 creates on the sandbox, a
listing page of 100,000 videos) are in ``benchmarks/bench_sandbox.py``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.emulator.common.store import FOLD_MIN, JsonStore, StoreError
from vidspec.providers.base import Rate

SPEC = {
    "script": "Hello from the store test.",
    "actor": {"name": "Natalia", "version": "4.0.0", "shot": "waist"},
    "voice": "Sara",
}


def settings(data_dir: Path) -> EmulatorSettings:
    return EmulatorSettings(
        token="t",
        data_dir=data_dir,
        post_limit=Rate(1000, 1.0),
        queue_seconds=0.0,
        processing_seconds=0.0,
        monthly_requests=100_000,
    )


def generate(count: int, data_dir: Path, clock: ManualClock) -> list[str]:
    with serve(settings(data_dir), clock=clock) as server, requests.Session() as http:
        http.headers["CDN-AUTH-TOKEN"] = "t"
        url = f"{server.base_url}/accounts/acme/generate"
        return [http.post(url, json=SPEC).json()["id"] for _ in range(count)]


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_request_appends_to_the_journal_and_leaves_the_world_document_alone(
    tmp_path: Path, clock: ManualClock
) -> None:
    """The store rewrote the whole world (and the month's count) on every request: 3,000
    creates on the sandbox made ~2,500 requests in ten minutes. Now a request appends its
    changes; the document is written when a world is new, and when its journal is folded."""
    first = generate(1, tmp_path, clock)
    document = tmp_path / "cdnvideo-videos.json"
    written = document.stat().st_mtime_ns, document.stat().st_ino
    made = generate(20, tmp_path, clock)
    assert (document.stat().st_mtime_ns, document.stat().st_ino) == written
    journal = lines(tmp_path / "cdnvideo-videos.journal")
    assert {c["put"]["id"] for c in journal if "put" in c} == set(made)  # type: ignore[index]
    assert journal[-1] == {"set": {"quota_left": pytest.approx(544.0 - 21 * 0.031, abs=0.01)}}
    usage = lines(tmp_path / "cdnvideo-usage.journal")
    assert usage[-1] == {"set": {"month": clock.now().strftime("%Y-%m"), "count": 21}}
    with serve(settings(tmp_path), clock=clock) as server:
        assert set(server.world.videos) == {*first, *made}
        assert server.world.requests_this_month == 21
        assert server.world.quota_left == pytest.approx(544.0 - 21 * 0.031, abs=0.01)


def test_the_journal_is_folded_into_the_document_once_it_is_as_long(
    tmp_path: Path, clock: ManualClock
) -> None:
    made = generate(FOLD_MIN // 2 + 10, tmp_path, clock)  # two lines a create: folded once
    journal = tmp_path / "cdnvideo-videos.journal"
    assert len(journal.read_text().splitlines()) < FOLD_MIN
    document = json.loads((tmp_path / "cdnvideo-videos.json").read_text())
    assert len(document["videos"]) >= FOLD_MIN // 2 - 10
    with serve(settings(tmp_path), clock=clock) as server:
        assert set(server.world.videos) == set(made)


def test_a_world_killed_mid_write_loads_without_its_cut_change(
    tmp_path: Path, clock: ManualClock
) -> None:
    made = generate(3, tmp_path, clock)
    journal = tmp_path / "cdnvideo-videos.journal"
    with journal.open("a") as cut:
        cut.write('{"put": {"id": "half-writ')  # the kill came in the middle of a line
    with serve(settings(tmp_path), clock=clock) as server:
        assert set(server.world.videos) == set(made)


def test_lines_a_fold_already_holds_change_nothing(tmp_path: Path, clock: ManualClock) -> None:
    """A crash between the fold's rename and the journal's removal leaves both."""
    made = generate(3, tmp_path, clock)
    journal = tmp_path / "cdnvideo-videos.journal"
    kept = journal.read_bytes()
    with serve(settings(tmp_path), clock=clock) as server:
        server.world._save()  # a fold: the whole world written, the journal removed
        clock.advance(1)
        server.world.delete(made[0])
    journal.write_bytes(kept + journal.read_bytes())  # the old lines came back before the new
    with serve(settings(tmp_path), clock=clock) as server:
        assert set(server.world.videos) == set(made[1:])


def test_a_bad_line_before_the_last_is_a_clear_error(tmp_path: Path, clock: ManualClock) -> None:
    generate(2, tmp_path, clock)
    journal = tmp_path / "cdnvideo-videos.journal"
    journal.write_text("not json\n" + journal.read_text())
    with pytest.raises(StoreError, match=r"cdnvideo-videos\.journal, line 1") as caught:
        serve(settings(tmp_path), clock=clock)
    assert "Remove the file (or the data directory)" in caught.value.hint


def test_a_store_without_a_directory_keeps_nothing() -> None:
    store = JsonStore(None)
    assert store.load_journaled("x") is None
    assert store.append("x", [{"set": {"a": 1}}]) is False
    store.write("x", {"a": 1})  # nothing to write to, nothing raised


KILLED = """
import sys, time
from pathlib import Path
from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.providers.base import Rate
settings = EmulatorSettings(token="t", data_dir=Path(sys.argv[1]), post_limit=Rate(1000, 1.0),
                            queue_seconds=0.0, processing_seconds=0.0)
with serve(settings, clock=SystemClock()) as server:
    n = 0
    while True:
        server.world.add_video(video_name=f"Made {n}")
        n += 1
        if n == 50:
            print("made 50", flush=True)
"""


@pytest.mark.slow
def test_a_process_killed_while_it_writes_leaves_a_world_that_loads(tmp_path: Path) -> None:
    """SIGKILL while videos are being made as fast as the store takes them: the world loads,
    holding every video whose change was written whole (at least the 50 reported)."""
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "made 50\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    with serve(settings(tmp_path), clock=ManualClock()) as server:
        names = {r.generation.video_name for r in server.world.videos.values()}
    assert {f"Made {n}" for n in range(50)} <= names
    assert names == {f"Made {n}" for n in range(len(names))}  # none lost before the last


@pytest.mark.parametrize("provider", ["cdnvideo", "vidnoz", "heygen", "synthesia"])
def test_every_services_changes_survive_a_restart(
    tmp_path: Path, clock: ManualClock, provider: str
) -> None:
    """Each world journals what it changes in place (``_persist``), not only new videos."""
    with serve(EmulatorSettings(provider=provider, data_dir=tmp_path), clock=clock) as server:
        world = server.world
        kept, changed, gone = (world.add_video(status=s) for s in _STATUSES[provider])
        if hasattr(world, "fail"):
            world.fail(changed.id)
        if hasattr(world, "rename"):
            world.rename(changed.id, "Renamed")
        if hasattr(world, "update"):
            world.update(changed.id, {"title": "Renamed"})
        if hasattr(world, "delete"):
            world.delete(gone.id)
        clock.advance(3600)  # the one in flight finishes: charged
        before = {i: r.to_json() for i, r in world.videos.items()}
        assert kept.id in before
    with serve(EmulatorSettings(provider=provider, data_dir=tmp_path), clock=clock) as server:
        assert {i: r.to_json() for i, r in server.world.videos.items()} == before


_STATUSES = {  # a video done, one in flight, a third: each service's own words
    "cdnvideo": ("processed", "in_queue", "processed"),
    "vidnoz": ("generated", "generating", "generated"),
    "heygen": ("completed", "processing", "completed"),
    "synthesia": ("complete", "in_progress", "complete"),
}
