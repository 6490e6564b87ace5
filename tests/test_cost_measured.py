"""The plan's estimate of API requests against what apply then spends, counted by the
emulator (with and without downloads): within 10%."""

from __future__ import annotations

from pathlib import Path

import pytest
from apply_env import make_env, simple_videos

# The emulator takes what CDNvideo's capabilities expect a generation to take (120 s), on the
# manual clock the engine sleeps through, at the service's 10 POSTs a minute.
SETTINGS = {"queue_seconds": 0.0, "processing_seconds": 120.0, "monthly_requests": 100_000}


def api_requests(log: list[tuple[str, str, int]]) -> int:
    return sum(1 for _, path, _ in log if not path.startswith("/files/"))


@pytest.mark.parametrize("download", [False, True])
def test_the_estimate_is_within_ten_percent_of_what_apply_spends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, download: bool
) -> None:
    for env in make_env(tmp_path, monkeypatch, **SETTINGS):
        videos = simple_videos(40)
        if download:
            for address, fields in videos.items():
                fields["download"] = f"out/{address}.mp4"
        env.write_videos(videos)
        estimate = env.plan().cost
        before = len(env.server.request_log)
        results = env.apply()
        assert results is not None and results.ok
        spent = api_requests(env.server.request_log[before:])
        assert spent > 40 + (40 if download else 0)  # POSTs, links, and the polling
        assert abs(estimate.api_requests - spent) <= 0.1 * spent, (estimate, spent)
        assert len(env.server.world.videos) == 40


def test_polling_lists_one_page_a_round_on_a_large_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env in make_env(tmp_path, monkeypatch, **SETTINGS):
        world = env.server.world
        for n in range(1500):  # two listing pages of videos vidspec does not manage
            world.add_video(video_name=f"Other {n}", created_at=env.clock.now())
        env.clock.advance(3600)
        env.write_videos(simple_videos(12))
        before = len(env.server.request_log)
        results = env.apply()
        assert results is not None and results.ok
        log = env.server.request_log[before:]
        listings = [p for m, p, _ in log if m == "GET" and p.split("?")[0].endswith("/videos")]
        rounds = results.stats.listing_calls
        assert rounds >= 2
        # the refresh reads the whole account (2 pages); each polling round one page
        assert len(listings) == 2 + rounds
