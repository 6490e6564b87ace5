"""The last guard against a placeholder reaching a service as text. Pure.

``${each.NAME}`` is filled when the manifests are loaded (``vidspec.project.placeholders``).
Whatever path a ``${each.`` takes past that (a ``{file:}`` text of an older vidspec, a default,
a row's value, a hand-edited plan file), a video must never be paid for that says "dollar each
product" out loud: the loader, the planner (before approval) and the engine (before the POST)
each refuse a request whose text still holds one, naming the video and the field. No escape
can send it either: ``$${`` writes a literal ``${``, but not in front of ``each``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

# ``${each.x}``, ``${ each.x }``, ``${each["x"]}``, ``${each.x`` unclosed: every spelling the
# template syntax could have meant as a placeholder.
_UNFILLED = re.compile(r"\$\{\s*each\b[^}\n]{0,60}\}?")


Path = tuple[str | int, ...]


def unfilled(spec: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """Each text field of ``spec`` (a request body) that still holds a placeholder: its path
    and the first placeholder in it, as written."""
    if "${" not in repr(spec):
        return []  # the common case, at C speed: no text holds even a `${`
    found = []
    for path, text in _texts(spec, ()):
        match = _UNFILLED.search(text)
        if match is not None:
            found.append((path, match.group()))
    return found


def unfilled_reason(spec: Mapping[str, Any]) -> str | None:
    """Why ``spec`` must not be sent (``None``: nothing unfilled), as the engine's result for
    the video: ``script holds `${each.product}`, a placeholder nothing filled; ...``."""
    found = unfilled(spec)
    if not found:
        return None
    fields = ", ".join(f"{dotted_path(path)} holds `{text}`" for path, text in found)
    return (
        f"{fields}, a placeholder nothing filled; nothing was sent (vidspec validate shows where)"
    )


def _texts(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def dotted_path(path: Path) -> str:
    """``script``, ``voice.tts.text``, ``items[0]``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


__all__ = ["dotted_path", "unfilled", "unfilled_reason"]
