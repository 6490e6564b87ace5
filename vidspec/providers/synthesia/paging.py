"""Following a Synthesia listing's ``nextOffset`` to its end [doc SW], within a bound.

[vidspec] the end is a missing ``nextOffset`` or a page shorter than asked (safe under either
convention); an offset that does not move forward, or more items than the account can hold,
is a listing that would go on for ever: ``listing_loops``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from vidspec.providers.base import listing_loops
from vidspec.providers.synthesia.api import API
from vidspec.providers.synthesia.wire import read_page

Fetch = Callable[[Mapping[str, str | int]], Any]


def offset_pages(
    fetch: Fetch, url: str, key: str, *, most: int, size: int = API.page_size
) -> list[Any]:
    """The items under ``key`` of every page ``fetch`` answers, ``size`` a page."""
    path = urlsplit(url).path
    items: list[Any] = []
    offset = 0
    while True:
        page, following = read_page(fetch({"limit": size, "offset": offset}), key, path=path)
        items.extend(page)
        if following is None or len(page) < size:
            return items
        if following <= offset:
            raise listing_loops(url, f"the listing's nextOffset went from {offset} to {following}")
        if len(items) > most:
            raise listing_loops(
                url, f"the listing goes on past {most} items, more than the account can hold"
            )
        offset = following
