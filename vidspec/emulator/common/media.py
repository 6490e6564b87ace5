"""The emulated video files: every service serves the same small, playable MP4.

``sample.mp4`` (package data beside this module, 1,258 bytes) is a 2-second 320x180 clip of
one colour, VP9 in MP4 (a codec Debian's Chromium plays; its build may lack H.264), so a saved
video plays in ``vidspec report``'s page. It was made once with FFmpeg 5.1 (Debian 12):

    ffmpeg -f lavfi -i "color=c=0x2f6f8f:s=320x180:r=10:d=2" -c:v libvpx-vp9 -b:v 0 -crf 50 \\
        -pix_fmt yuv420p -g 20 -an -movflags +faststart -map_metadata -1 \\
        -fflags +bitexact -flags +bitexact sample.mp4

Each video's file ends with a ``free`` box naming its id: players skip a top-level ``free``
box, the clip's offsets (``moov`` before ``mdat``) do not move, and two videos' files differ,
so a sha256 still tells them apart.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources


@functools.cache
def sample_clip() -> bytes:
    """The playable clip every emulated video is made of (``sample.mp4``)."""
    return resources.files("vidspec.emulator.common").joinpath("sample.mp4").read_bytes()


def fake_mp4(video_id: str) -> bytes:
    """A video's file: the sample clip, then a ``free`` box with the id (deterministic)."""
    seed = hashlib.sha256(video_id.encode()).hexdigest()
    mark = f"vidspec emulator video {video_id} {seed}".encode()
    return sample_clip() + (8 + len(mark)).to_bytes(4, "big") + b"free" + mark
