"""Vidnoz's rough edges (issue 13, items 22 and 23), over loopback against its emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_vidnoz_env, vidnoz_videos


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch, capsys)


def _api_paths(env: ApplyEnv) -> list[str]:
    return [p for _, p, _ in env.server.request_log if not p.startswith("/files/")]


def test_a_planned_download_uses_the_listed_link(env: ApplyEnv) -> None:
    videos = vidnoz_videos(1)
    videos["video-00"]["download"] = "out/v.mp4"
    env.write_videos(videos)  # type: ignore[arg-type]
    env.apply()
    saved = env.root / "out" / "v.mp4"
    first = saved.read_bytes()
    saved.unlink()
    env.clock.advance(60)
    env.server.request_log.clear()
    assert env.kinds() == [("video-00", "download")]
    env.server.request_log.clear()
    results = env.apply()
    assert results is not None and results.ok
    assert saved.read_bytes() == first
    # the refresh's listing (the catalog is kept) gave the link: no task-detail call
    assert _api_paths(env) == ["/v2/video/list"]
