"""Text for ``vidspec show``, ``vidspec state`` and ``vidspec import``: tables of addresses and
ids, all drawn by one ``_table``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from vidspec.core.addresses import natural_key
from vidspec.core.escape import escape_text
from vidspec.core.times import format_time
from vidspec.core.videos import RemoteVideo
from vidspec.plan.importer import Adoption, MatchResult, Skipped
from vidspec.state.model import State, VideoRecord
from vidspec.state.observed import Observed

_LIST_HEADERS = ("ADDRESS", "ID", "STATUS", "EXPIRES")
_SHOW_HEADERS = ("ADDRESS", "ID", "STATUS", "NAME", "CREATED", "EXPIRES")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return [
        indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]


def render_state(state: State, *, source: str) -> str:
    """``vidspec show``: a table of ``state`` read from ``source`` (the path shown in the
    header), then superseded videos and pending records."""
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
    lines += _table(_SHOW_HEADERS, rows) if rows else ["No videos are managed yet."]
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


def render_state_list(state: State, observed: Observed | None = None) -> str:
    """``state list``: one row per address (pending creates too), sorted; ``""`` if none. A
    status the last refresh saw that the state has not recorded yet is marked ``*``."""
    observed = observed or Observed()
    rows = [
        (
            address,
            record.id,
            _status(record, observed),
            format_time(record.expires_at) if record.expires_at else "-",
        )
        for address, record in state.videos.items()
    ]
    rows += [
        (p.address, "-", f"pending {p.action} ({p.outcome})", "-")
        for p in state.pending
        if p.address not in state.videos
    ]
    if not rows:
        return ""
    rows.sort(key=lambda row: (natural_key(row[0]), row))
    return "\n".join(_table(_LIST_HEADERS, rows)) + "\n"


def _status(record: VideoRecord, observed: Observed) -> str:
    seen = observed.status(record)
    return seen if seen == record.status.value else f"{seen}*"


def seen_note(state: State, observed: Observed) -> str | None:
    """The footnote of ``state list`` when a status is marked, else ``None``."""
    if observed.seen_at is None or all(
        observed.status(r) == r.status.value for r in state.videos.values()
    ):
        return None
    return (
        f"* as the listing read {format_time(observed.seen_at)} showed it; the state records "
        f"it on its next write."
    )


def render_record(state: State, address: str, observed: Observed | None = None) -> str:
    """``state show ADDR``: the record as JSON (sorted keys), with its pending records, and
    what the last refresh saw of it (``seen``: status, link, when)."""
    observed = observed or Observed()
    document: dict[str, object] = {"address": address}
    record = state.videos.get(address)
    if record is not None:
        document.update(record.to_json())
        url = observed.url(record)
        document["url"] = None if url is None else escape_text(url)
        if observed.seen_at is not None:
            document["seen"] = {
                "at": format_time(observed.seen_at),
                "status": observed.status(record),
            }
    pending = [p.to_json() for p in state.pending_for(address)]
    if pending:
        document["pending"] = pending
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _name(video: RemoteVideo) -> str:
    return "(no name)" if video.name is None else json.dumps(video.name, ensure_ascii=False)


def _video_line(video: RemoteVideo) -> str:
    return (
        f"{video.id}  {_name(video)}  {video.state.value}, created {format_time(video.created_at)}"
    )


def render_adoptions(adoptions: Sequence[Adoption]) -> str:
    """``ADDRESS -> ID  "name"  status, created ...`` per adopted video."""
    if not adoptions:
        return ""
    width = max(len(a.address) for a in adoptions)
    return "".join(f"{a.address:<{width}} -> {_video_line(a.video)}\n" for a in adoptions)


def render_skipped(skipped: Sequence[Skipped]) -> str:
    """The videos ``import --all`` left alone, and why (for stderr)."""
    if not skipped:
        return ""
    lines = [f"Not imported ({len(skipped)}):"]
    lines += [f"  {s.video.id}  {_name(s.video)}: {s.reason}" for s in skipped]
    return "\n".join(lines) + "\n"


def render_match(result: MatchResult, *, dry_run: bool) -> str:
    """``import --match``: matched (address -> id), ambiguous (with every candidate), nothing
    found, then a summary line."""
    lines: list[str] = []
    if result.matched:
        lines.append("Would adopt (one match each):" if dry_run else "Adopted (one match each):")
        width = max(len(a.address) for a in result.matched)
        lines += [f"  {a.address:<{width}} -> {_video_line(a.video)}" for a in result.matched]
    if result.ambiguous:
        if lines:
            lines.append("")
        lines.append("Ambiguous (not adopted; choose one with: vidspec import ADDRESS ID):")
        for item in result.ambiguous:
            count = len(item.candidates)
            shared = f"; also a match for {', '.join(item.others)}" if item.others else ""
            lines.append(f"  {item.address}: {count} candidate{'' if count == 1 else 's'}{shared}")
            lines += [f"    {_video_line(v)}" for v in item.candidates]
    if result.not_found:
        if lines:
            lines.append("")
        lines.append("No match (the next plan creates these):")
        lines += [f"  {address}" for address in result.not_found]
    if result.waiting:
        if lines:
            lines.append("")
        lines.append("Not matched: a create is pending for these; vidspec plan resolves it:")
        lines += [f"  {address}" for address in result.waiting]
    if lines:
        lines.append("")
    verb = "would be adopted" if dry_run else "adopted"
    lines.append(
        f"Matched {len(result.matched)}, ambiguous {len(result.ambiguous)}, no match "
        f"{len(result.not_found)}; {len(result.managed)} already managed. "
        f"{len(result.matched)} {'video' if len(result.matched) == 1 else 'videos'} {verb}."
    )
    return "\n".join(lines) + "\n"
