"""Did-you-mean: the nearest offered names to a mistyped one (difflib). Pure; the one helper
every "did you mean" of vidspec uses (manifest fields, catalog names, for_each columns)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

__all__ = ["backticked", "did_you_mean", "nearest"]

CUTOFF = 0.6  # difflib's own default: 'Sarah' finds 'Sara', 'Bob' finds nothing in 'Sara'


def nearest(word: str, choices: Iterable[str], *, count: int = 3) -> list[str]:
    """The offered names closest to ``word``, best first (case does not count)."""
    by_folded: dict[str, str] = {}
    for choice in choices:
        by_folded.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), by_folded, n=count, cutoff=CUTOFF)
    return [by_folded[f] for f in found]


def backticked(name: str) -> str:
    """A name as Markdown-ish code: `` `product` `` (for_each columns)."""
    return f"`{name}`"


def did_you_mean(
    word: str, choices: Iterable[str], *, count: int = 3, show: Callable[[str], str] = repr
) -> str:
    """``did you mean 'Sara'? `` (with the trailing space, to lead a hint), or ``""``; at most
    ``count`` names, each written by ``show``."""
    found = nearest(word, choices, count=count)
    if not found:
        return ""
    return "did you mean " + " or ".join(show(f) for f in found) + "? "
