"""How the file-level checks treat a ``for_each`` template (``vidspec.project.foreach``).

A template's strings hold placeholders, so a field's own form (a pattern, a length, a type)
is judged on each filled instance, not on ``${each.voice}``; and a placeholder outside a
``for_each`` video would reach the service as text, so it is refused at its line. Once a video
is merged with its defaults, whatever placeholder is still in it (from defaults, a row's value,
a ``$${each.`` escape) is refused at its field: the loader's part of the last guard
(``vidspec.core.unfilled``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema import ValidationError

from vidspec.core.errors import Problem
from vidspec.core.location import SourceLocation
from vidspec.core.unfilled import unfilled
from vidspec.project.foreach import FOR_EACH
from vidspec.project.loctree import LocTree, locate
from vidspec.project.placeholders import compile_template, has_placeholder
from vidspec.project.schema_errors import dotted


def without_templates(errors: Iterable[ValidationError], data: Any) -> list[ValidationError]:
    """The file's schema errors but those about a template value that holds a placeholder."""
    videos = data.get("videos") if isinstance(data, dict) else None
    templates = {
        name
        for name, video in (videos.items() if isinstance(videos, dict) else ())
        if isinstance(video, dict) and FOR_EACH in video
    }
    if not templates:
        return list(errors)
    kept = []
    for error in errors:
        path = tuple(error.absolute_path)
        in_template = len(path) > 2 and path[0] == "videos" and path[1] in templates
        if in_template and path[2] != FOR_EACH and has_placeholder(error.instance):
            continue
        kept.append(error)
    return kept


def stray_placeholders(
    video: dict[str, Any], locs: LocTree, where: SourceLocation, address: str
) -> list[Problem]:
    """``${each.…}`` in a video without ``for_each``: nothing would fill it."""
    if not has_placeholder(video):
        return []
    template = compile_template(video, locs, where)
    return [
        Problem(
            field.location,
            f"`{ref.written}` in video '{address}', which has no for_each",
            "add for_each to the video; vidspec never sends `${each.` to the service",
        )
        for field in template.fields
        for ref in field.refs
    ]


def unfilled_placeholders(
    video: dict[str, Any], locs: LocTree, where: SourceLocation
) -> list[Problem]:
    """A placeholder still in a merged video, at its field: it would be sent as text."""
    return [
        Problem(
            locate(where, locs, path),
            f"{dotted(path)} would send `{text}` as text: nothing fills a placeholder there",
            "placeholders are filled in a for_each video's own fields and {file:} texts, not "
            "in defaults (merged after the row) nor in a row's values; `$${` cannot write "
            "`${each.` either",
        )
        for path, text in unfilled(video)
    ]
