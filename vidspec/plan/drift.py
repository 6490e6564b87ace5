"""What the listing says about a managed video, against what was applied. Pure.

A listing may report a video's name and some of its settings (``Capabilities.listing_fields``).
A difference from the applied request body is drift: someone changed the video outside vidspec.
The listing reports one spelling of each field, so bodies are compared in that spelling
(``vidspec.plan.normalize``). Comparisons skip what cannot be judged: a field the listing leaves
out, an applied ``latest`` version (the listing names the concrete one), and a field neither
body nor defaults set.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from vidspec.core.dicts import value_at
from vidspec.core.videos import RemoteVideo
from vidspec.plan.actions import FieldChange
from vidspec.plan.diff import flatten, is_ignored, same_value, with_defaults
from vidspec.plan.normalize import canonical_spec
from vidspec.providers.base import Capabilities

REASON_RENAMED_OUTSIDE = "renamed outside vidspec"
LATEST = "latest"


def same_video(video: RemoteVideo, spec: Mapping[str, Any], caps: Capabilities) -> bool:
    """Could ``video`` be the result of sending ``spec``? Same name and same reported settings,
    and at least one of them actually known (no match on no evidence)."""
    evidence = False
    name = value_at(spec, caps.name_field)
    if name is not None and video.name is not None:
        if name != video.name:
            return False
        evidence = True
    if video.spec is not None:
        reported = flatten(video.spec)
        sent = with_defaults(flatten(canonical_spec(spec, caps.spec_aliases)), caps.spec_defaults)
        for path in caps.listing_fields:
            got, want = reported.get(path), sent.get(path)
            if path == caps.name_field or got is None or want is None or want == LATEST:
                continue
            if not same_value(got, want):
                return False
            evidence = True
    return evidence


def name_change(
    applied_spec: Mapping[str, Any],
    seen: RemoteVideo | None,
    wanted_spec: Mapping[str, Any],
    caps: Capabilities,
    ignored: Iterable[str],
) -> tuple[FieldChange, str] | None:
    """The name row (current name -> wanted name) and its reason, or ``None``.

    The current name is the listing's when someone renamed the video outside vidspec."""
    field = caps.name_field
    if is_ignored(field, ignored):
        return None
    applied = value_at(applied_spec, field)
    wanted = value_at(wanted_spec, field)
    current = applied
    if seen is not None and seen.name is not None and applied is not None:
        current = seen.name
    if wanted is None or current == wanted:
        return None
    reason = REASON_RENAMED_OUTSIDE if applied == wanted else f"{field} changed"
    return FieldChange(field, current, wanted), reason


def content_drift(
    applied: Mapping[str, Any],
    reported: Mapping[str, Any] | None,
    wanted: Mapping[str, Any],
    *,
    fields: Sequence[str],
    defaults: Mapping[str, Any],
    ignored: Iterable[str] = (),
    skip: Collection[str] = (),
) -> list[FieldChange]:
    """Reported settings that differ from the applied ones: rows (reported -> wanted).

    All three bodies are flat (dotted paths); ``applied`` with the provider's defaults filled
    in (``wanted`` gets them from ``defaults`` when a row is shown). ``fields``: the paths the
    listing reports that may drift (not the name, which ``name_change`` handles)."""
    if not reported:
        return []
    ignored = tuple(ignored)
    rows = []
    for path in fields:
        got, before = reported.get(path), applied.get(path)
        if got is None or before is None or before == LATEST or path in skip:
            continue
        if not same_value(got, before) and not is_ignored(path, ignored):
            rows.append(FieldChange(path, got, wanted.get(path, defaults.get(path))))
    return rows
