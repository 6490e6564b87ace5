"""Following HeyGen's ``token`` paging to its end, bounded: a server cannot make a client read
forever. A page that brings nothing while saying ``has_more``, a ``next_token`` given twice, or
more items than ``most`` ends the reading with an error naming the host."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from vidspec.http.client import path_of
from vidspec.providers.base import listing_loops
from vidspec.providers.heygen.wire import page_of

Fetch = Callable[[Mapping[str, str | int]], Any]
"""Sends one GET of the list with these query parameters and returns the decoded answer."""


def pages(
    fetch: Fetch,
    url: str,
    *,
    limit: int,
    most: int,
    params: Mapping[str, str | int] | None = None,
) -> Iterator[list[Any]]:
    """The items of each page, first page first, until ``has_more`` is false."""
    tokens: set[str] = set()
    token: str | None = None
    count = 0
    while True:
        query: dict[str, str | int] = {**(params or {}), "limit": limit}
        if token is not None:
            query["token"] = token
        page = page_of(fetch(query), path=path_of(url))
        count += len(page.items)
        yield page.items
        if page.next_token is None:
            return
        if not page.items or page.next_token in tokens:
            raise listing_loops(url, f"the list goes round in circles after {count} items")
        if count > most:
            raise listing_loops(url, f"the list goes on past {most} items")
        tokens.add(page.next_token)
        token = page.next_token
