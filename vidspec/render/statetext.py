"""The state as ``vidspec show`` prints it: one row per managed video, then pending records."""

from __future__ import annotations

from vidspec.core.addresses import natural_key
from vidspec.core.times import format_time
from vidspec.state.model import State

_HEADERS = ("ADDRESS", "ID", "STATUS", "NAME", "CREATED", "EXPIRES")


def render_state(state: State, *, source: str) -> str:
    """A table of ``state`` read from ``source`` (the path shown in the header)."""
    lines = [
        f"State: {source} (serial {state.serial}, lineage {state.lineage}, provider "
        f"{state.provider})",
        "",
    ]
    rows = [
        (
            address,
            record.id,
            record.status.value,
            record.name if record.name is not None else "-",
            format_time(record.created_at),
            format_time(record.expires_at) if record.expires_at else "-",
        )
        for address, record in sorted(state.videos.items(), key=lambda i: natural_key(i[0]))
    ]
    if rows:
        widths = [max(len(r[i]) for r in [_HEADERS, *rows]) for i in range(len(_HEADERS))]
        for row in [_HEADERS, *rows]:
            lines.append(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
    else:
        lines.append("No videos are managed yet.")
    superseded = sum(len(r.previous) for r in state.videos.values())
    if superseded:
        lines += ["", f"{superseded} superseded video(s) wait to be deleted (see vidspec plan)."]
    if state.pending:
        lines += ["", "Pending (sent, outcome not yet recorded; the next plan resolves them):"]
        lines += [
            f"  {p.address}: {p.action} sent {format_time(p.started_at)} ({p.outcome})"
            for p in state.pending
        ]
    count = len(state.videos)
    lines += ["", f"{count} video{'' if count == 1 else 's'} managed."]
    return "\n".join(lines) + "\n"
