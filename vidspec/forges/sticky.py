"""One sticky comment per project on a PR/MR: found by its marker, kept fresh on every push.

``update`` (default) edits the newest comment of this project in place (a new one if there is
none); ``new`` always adds one; ``delete-and-new`` deletes this project's comments and adds one
at the bottom. Only comments whose body opens with a vidspec marker for this project are ever
edited or deleted.

A rate-limited call is waited out (``Retry-After``, through the injected clock) and sent again.
A POST is different: a create that was refused for rate or whose answer was lost may have
landed, so before sending it again the comments are listed again, and a new comment of this
project found there is taken as the one created: never two sticky comments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from vidspec.core.clock import Clock
from vidspec.core.errors import OutcomeUnknown, ProviderError, RateLimited
from vidspec.forges.base import Comment, Forge
from vidspec.forges.marker import Marker, parse_marker

BEHAVIORS = ("update", "new", "delete-and-new")
ATTEMPTS = 4
DEFAULT_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute
LOST_WAIT = 5.0  # after a lost answer: a moment for the comment to show in the listing
MAX_WAIT = 600.0
T = TypeVar("T")


@dataclass(frozen=True)
class StickyResult:
    """What was done: ``created``, ``updated``, ``replaced`` (deleted and new), ``skipped``."""

    outcome: str
    comment_id: str | None = None
    deleted: int = 0


def ours(comments: list[Comment], project: str) -> list[Comment]:
    """This project's sticky comments, oldest first."""
    return [c for c in comments if (m := parse_marker(c.body)) and m.project == project]


def find_reviewed(comments: list[Comment], project: str) -> tuple[Comment, Marker] | None:
    """The newest sticky comment of ``project`` and its marker (fingerprint, summary)."""
    mine = ours(comments, project)
    marker = parse_marker(mine[-1].body) if mine else None
    return (mine[-1], marker) if marker else None


class Sticky:
    """Posts ``body`` as ``project``'s sticky comment on PR ``number`` of ``forge``."""

    def __init__(self, forge: Forge, number: int, project: str, clock: Clock) -> None:
        self.forge = forge
        self.number = number
        self.project = project
        self.clock = clock

    def post(self, body: str, *, behavior: str, skip: bool) -> StickyResult:
        """``skip``: post nothing new (``--skip-no-changes`` on an empty plan), but an existing
        comment is still updated, so it stops showing changes that are gone."""
        mine = ours(self._list(), self.project)
        if skip:
            if not mine:
                return StickyResult("skipped")
            self._update(mine[-1].id, body)
            return StickyResult("updated", mine[-1].id)
        if behavior == "update" and mine:
            self._update(mine[-1].id, body)
            return StickyResult("updated", mine[-1].id)
        deleted = 0
        if behavior == "delete-and-new":
            for comment in mine:
                self._delete(comment.id)
                deleted += 1
        created = self._create(body, known={c.id for c in mine})
        outcome = "replaced" if deleted else "created"
        return StickyResult(outcome, created.id, deleted)

    def comments(self) -> list[Comment]:
        """Every comment of the PR (all pages), a rate limit waited out."""
        return self._list()

    def _delete(self, comment_id: str) -> None:
        self._retrying(lambda: self.forge.delete_comment(self.number, comment_id))

    def _update(self, comment_id: str, body: str) -> None:
        self._retrying(lambda: self.forge.update_comment(self.number, comment_id, body))

    def _list(self) -> list[Comment]:
        return self._retrying(lambda: self.forge.list_comments(self.number))

    def _create(self, body: str, known: set[str]) -> Comment:
        for attempt in range(ATTEMPTS):
            try:
                return self.forge.create_comment(self.number, body)
            except (RateLimited, OutcomeUnknown) as exc:
                if attempt == ATTEMPTS - 1:
                    raise
                self._wait(exc)
                landed = [c for c in ours(self._list(), self.project) if c.id not in known]
                if landed:  # the refused or lost POST did land: keep it, send no second one
                    found = landed[-1]
                    if found.body != body:
                        self._update(found.id, body)
                    return found
        raise AssertionError("unreachable")  # pragma: no cover

    def _retrying(self, call: Callable[[], T]) -> T:
        """An idempotent call (list, edit, delete), sent again after a rate limit."""
        for attempt in range(ATTEMPTS):
            try:
                return call()
            except RateLimited as exc:
                if attempt == ATTEMPTS - 1:
                    raise
                self._wait(exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, exc: ProviderError) -> None:
        if not isinstance(exc, RateLimited):
            self.clock.sleep(LOST_WAIT)
            return
        wait = exc.retry_after if exc.retry_after is not None else DEFAULT_WAIT
        self.clock.sleep(min(MAX_WAIT, wait))
