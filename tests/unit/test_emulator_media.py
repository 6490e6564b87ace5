"""The emulators' video files: a real, playable MP4 (a VP9 track of 2 seconds), one file per
id. That it plays in Chromium: tests/e2e/test_report_browser.py."""

from __future__ import annotations

import hashlib

from vidspec.emulator.common.media import fake_mp4, sample_clip


def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, bytes]]:
    """The MP4 boxes of ``data[start:end]``: (type, payload), each box's size checked."""
    found, at, end = [], start, len(data) if end is None else end
    while at < end:
        size = int.from_bytes(data[at : at + 4], "big")
        assert 8 <= size <= end - at, f"box at {at} has size {size}"
        found.append((data[at + 4 : at + 8], data[at + 8 : at + size]))
        at += size
    return found


def test_the_file_is_an_mp4_with_a_two_second_vp9_track() -> None:
    data = fake_mp4("17669229-088a-4b3c-b32b-d58f97912097")
    top = boxes(data)
    assert [kind for kind, _ in top] == [b"ftyp", b"moov", b"free", b"mdat", b"free"]
    moov = dict(boxes(top[1][1]))
    mvhd = moov[b"mvhd"]  # version 0: flags, created, modified, timescale, duration
    timescale, duration = (int.from_bytes(mvhd[i : i + 4], "big") for i in (12, 16))
    assert duration / timescale == 2.0
    assert b"vp09" in moov[b"trak"] and b"vpcC" in moov[b"trak"]
    assert len(top[3][1]) > 100  # the frames


def test_each_id_has_its_own_file_and_the_same_clip() -> None:
    first, second = fake_mp4("a"), fake_mp4("b")
    assert first == fake_mp4("a")  # deterministic
    assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()
    clip = sample_clip()
    assert first.startswith(clip) and second.startswith(clip)
    assert boxes(first)[-1] == (
        b"free",
        f"vidspec emulator video a {hashlib.sha256(b'a').hexdigest()}".encode(),
    )
    assert len(first) < 2048  # a few KB at most, whatever the number of videos
