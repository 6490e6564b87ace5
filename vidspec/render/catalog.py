"""``vidspec catalog`` as readable tables, from the provider-neutral catalog document.

The document is what ``Catalog.to_json()`` returns (and ``catalog --json`` prints):

    {"actors": [{"name", "version", "style", "gender", "shots": [{"name", "size", ...}],
                 "voices": [...]}],
     "voices": [{"name", "language", "gender", "provider", "emotions": [...]}],
     "backgrounds": [{"name", "sizes": [...]}],
     "quota": {"unit", "limit", "left"}}

A provider that lacks a part (no versions, no backgrounds) leaves the key out or the value
null; the tables show ``-`` there. A provider whose manifests name actors or voices by ``id``
(Vidnoz) gives each its ``"id"``; the tables then open with an ID column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vidspec.render.style import style

_NONE = "-"


def render_catalog(doc: Mapping[str, Any], *, color: bool = False) -> str:
    """The whole catalog as text: actors, voices, backgrounds, then the quota line."""
    actors = doc.get("actors") or ()
    voices = doc.get("voices") or ()
    sections = [
        _section(
            "Actors",
            *_with_ids(
                actors,
                ("NAME", "VERSION", "STYLE", "GENDER", "SHOTS (SIZE)", "VOICES"),
                [
                    (
                        _text(a.get("name")),
                        _text(a.get("version")),
                        _text(a.get("style")),
                        _text(a.get("gender")),
                        _join(_shot(s) for s in a.get("shots") or ()),
                        _join(a.get("voices") or ()),
                    )
                    for a in actors
                ],
            ),
            color,
        ),
        _section(
            "Voices",
            *_with_ids(
                voices,
                ("NAME", "LANGUAGE", "GENDER", "PROVIDER", "EMOTIONS"),
                [
                    (
                        _text(v.get("name")),
                        _text(v.get("language")),
                        _text(v.get("gender")),
                        _text(v.get("provider")),
                        _join(v.get("emotions") or ()),
                    )
                    for v in voices
                ],
            ),
            color,
        ),
        _section(
            "Backgrounds",
            ("NAME", "SIZES"),
            [
                (_text(b.get("name")), _join(b.get("sizes") or ()))
                for b in doc.get("backgrounds") or ()
            ],
            color,
        ),
        _quota(doc.get("quota")),
    ]
    return "\n\n".join(sections) + "\n"


def _with_ids(
    items: Sequence[Mapping[str, Any]], header: tuple[str, ...], rows: list[tuple[str, ...]]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """``header`` and ``rows`` opened by an ID column when any item has an id (what a Vidnoz
    manifest names an avatar or voice by)."""
    if not any(item.get("id") is not None for item in items):
        return header, rows
    ids = [_text(item.get("id")) for item in items]
    return ("ID", *header), [(i, *row) for i, row in zip(ids, rows, strict=True)]


def _section(title: str, header: Sequence[str], rows: list[tuple[str, ...]], color: bool) -> str:
    heading = style(title, bold=True) if color else title
    if not rows:
        return f"{heading}\n  (none)"
    widths = [max(len(row[i]) for row in (tuple(header), *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    head = line(header)
    if color:
        head = style(head, dim=True)
    return "\n".join([heading, head, *(line(row) for row in rows)])


def _quota(quota: Any) -> str:
    if not isinstance(quota, Mapping):
        return "Quota: unknown"
    unit = _text(quota.get("unit"), "units")
    left, limit = quota.get("left"), quota.get("limit")
    if left is None:
        return "Quota: unknown"
    if limit is None:
        return f"Quota: {_number(left)} {unit} left."
    return f"Quota: {_number(left)} of {_number(limit)} {unit} left."


def _shot(shot: Any) -> str:
    if not isinstance(shot, Mapping):
        return _text(shot)
    name = _text(shot.get("name"))
    return f"{name} ({shot['size']})" if shot.get("size") else name


def _text(value: Any, default: str = _NONE) -> str:
    return default if value is None or value == "" else str(value)


def _join(values: Any) -> str:
    items = [str(v) for v in values]
    return ", ".join(items) if items else _NONE


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)
