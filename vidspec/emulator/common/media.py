"""The emulated video files: both services serve the same kind of stand-in MP4."""

from __future__ import annotations

import hashlib


def fake_mp4(video_id: str) -> bytes:
    """A small, deterministic stand-in for a video: valid MP4 boxes, content from the id."""

    def box(kind: bytes, data: bytes) -> bytes:
        return (8 + len(data)).to_bytes(4, "big") + kind + data

    seed = hashlib.sha256(video_id.encode()).digest()
    return (
        box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
        + box(b"free", f"vidspec emulator video {video_id}".encode())
        + box(b"mdat", seed * 64)
    )
