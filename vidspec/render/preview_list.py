"""``vidspec preview``'s list of test renders: one line a preview (address, state, link). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vidspec.core.escape import escape_text
from vidspec.core.videos import TaskState


@dataclass(frozen=True)
class PreviewResult:
    """One preview: the video's address, the test video's id, its state and its link."""

    address: str
    video_id: str
    state: TaskState
    url: str | None = None


def render_previews(results: Sequence[PreviewResult]) -> str:
    """``welcome  done  https://...`` a line each, and a closing line saying what they are."""
    if not results:
        return "No previews: the plan creates and regenerates no video.\n"
    width = max(len(r.address) for r in results)
    lines = []
    for r in results:
        link = escape_text(r.url) if r.url else f"(id {escape_text(r.video_id)}, no link yet)"
        lines.append(f"{r.address:<{width}}  {r.state.value:<8}  {link}")
    lines.append(
        f"{len(results)} preview{'s' if len(results) != 1 else ''}: free, watermarked test "
        "renders; the real videos and the state are untouched."
    )
    return "\n".join(lines) + "\n"
