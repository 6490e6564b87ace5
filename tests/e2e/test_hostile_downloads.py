"""Issue 10, downloads: only a video is ever saved. A redirect, an HTML page, an endless, short
or trickled body, or a local write error ends as "generated, but saving ... failed", nothing
(no ``.part`` either) is left on disk, and the next plan shows ``↓ download`` again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hostile import FTYP, Hostile, answer, elapsed, endless, redirect, short, trickle
from hostile_env import FILES, HostileEnv, make_hostile_env

from vidspec.engine import Outcome

TARGET = "out/v.mp4"


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch)


def assert_not_saved(hostile_env: HostileEnv) -> None:
    out = hostile_env.env.root / "out"
    assert not out.exists() or [p.name for p in out.iterdir()] == []  # no file, no .part
    assert hostile_env.env.state().videos["video-00"].download is None
    assert hostile_env.env.kinds() == [("video-00", "download")]  # the next plan: ↓ download


def failed_saving(hostile_env: HostileEnv) -> str:
    outcome, detail, _ = hostile_env.apply_one(download=TARGET)
    assert outcome is Outcome.FAILED, detail
    assert f"generated, but saving {TARGET} failed: " in detail
    return detail


# -- 4: redirects and answers that are not a video -------------------------------------------


def test_item04_a_redirect_to_an_html_page_is_not_saved_as_the_video(
    hostile_env: HostileEnv,
) -> None:
    hostile = hostile_env.hostile
    hostile.add("GET", FILES, redirect(lambda handler, h: h.root_url + "/login"))
    hostile.add(
        "GET", r"^/login$", answer(200, b"<html>sign in</html>", {"Content-Type": "text/html"})
    )
    detail = failed_saving(hostile_env)
    assert f"the download from {hostile_env.host} is not a video (content type text/html)" in detail
    assert hostile.count("GET", r"^/login$") == 1  # followed, on the file client
    assert_not_saved(hostile_env)


def test_item04_a_redirect_to_a_file_url_is_refused(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add("GET", FILES, redirect("file:///etc/passwd"))
    detail = failed_saving(hostile_env)
    assert "the download link is not http(s) but file: refused" in detail
    assert_not_saved(hostile_env)


def test_item04_a_redirect_within_the_bound_is_followed_and_saved(
    hostile_env: HostileEnv,
) -> None:
    # the file request is sent elsewhere, then back to the real file (its signed query kept)
    def away(handler: Any, hostile: Hostile) -> str:
        return f"{hostile.root_url}/moved?to={quote(handler.path, safe='')}"

    def back(handler: Any, hostile: Hostile) -> str:
        return hostile.root_url + unquote(handler.path.split("?to=")[1])

    hostile_env.hostile.add("GET", FILES, redirect(away), times=1)
    hostile_env.hostile.add("GET", r"^/moved$", redirect(back))
    outcome, detail, _ = hostile_env.apply_one(download=TARGET)
    assert outcome is Outcome.DONE, detail
    assert (hostile_env.env.root / TARGET).read_bytes()[4:8] == b"ftyp"
    assert hostile_env.hostile.count("GET", FILES) == 2


def test_item04_a_body_without_an_ftyp_box_is_not_saved(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add(
        "GET", FILES, answer(200, b"GIF89a" + b"\0" * 100, {"Content-Type": "video/mp4"})
    )
    detail = failed_saving(hostile_env)
    assert "is not a video (it does not start with an MP4 ftyp box)" in detail
    assert_not_saved(hostile_env)


# -- 5, 11: trickled and endless bodies --------------------------------------------------------


def test_item05_a_trickled_download_is_ended_by_its_speed_floor_and_leaves_no_part_file(
    hostile_env: HostileEnv,
) -> None:
    # issue 19: a download has no fixed deadline, but a floor (download.min_speed/stall_time)
    hostile_env.configure("download: {min_speed: 1000, stall_time: 500ms}\n")
    hostile_env.hostile.add(
        "GET", FILES, trickle(FTYP + b"\0" * 400, every=0.05, content_type="video/mp4")
    )
    took, detail = elapsed(lambda: failed_saving(hostile_env))
    assert (
        f"the download from {hostile_env.host} stalled: fewer than 1000 B/s "
        "(download.min_speed) over 0.5s (download.stall_time)" in detail
    )
    assert took < 5
    assert_not_saved(hostile_env)


def test_item11_an_endless_body_is_cut_at_download_max_bytes(hostile_env: HostileEnv) -> None:
    hostile_env.configure("download: {max_bytes: 100000}\n")
    hostile_env.hostile.add("GET", FILES, endless())
    detail = failed_saving(hostile_env)
    assert "it sent more than 100000 bytes, more than download.max_bytes (100000)" in detail
    assert_not_saved(hostile_env)


def test_item11_a_declared_length_over_max_bytes_is_refused_before_reading(
    hostile_env: HostileEnv,
) -> None:
    hostile_env.configure("download: {max_bytes: 1000}\n")
    hostile_env.hostile.add("GET", FILES, short(FTYP, 5000))
    detail = failed_saving(hostile_env)
    assert "it declares 5000 bytes, more than download.max_bytes (1000)" in detail
    assert_not_saved(hostile_env)


# -- 18: a short body ---------------------------------------------------------------------------


def test_item18_a_short_download_body_says_so(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add("GET", FILES, short(FTYP + b"\0" * 84, 1000))
    detail = failed_saving(hostile_env)
    assert f"the answer from {hostile_env.host} ended after 100 of 1000 bytes" in detail
    assert "could not reach" not in detail
    assert_not_saved(hostile_env)


# -- 12: a local write error after the video was made ----------------------------------------


def test_item12_a_local_write_error_is_a_failed_download_of_a_generated_video(
    hostile_env: HostileEnv,
) -> None:
    (hostile_env.env.root / TARGET).mkdir(parents=True)  # a directory where the file goes
    detail = failed_saving(hostile_env)
    assert f"cannot write the downloaded video to {hostile_env.env.root / TARGET}" in detail
    state = hostile_env.env.state()
    assert state.videos["video-00"].download is None
    (hostile_env.env.root / TARGET).rmdir()
    assert hostile_env.env.kinds() == [("video-00", "download")]
