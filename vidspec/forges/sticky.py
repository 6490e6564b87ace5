"""One sticky comment per project on a PR/MR: found by its marker, kept fresh on every push.

``update`` (default) edits the newest comment of this project in place (a new one if there is
none); ``new`` always adds one; ``delete-and-new`` deletes this project's comments and adds one
at the bottom. Only comments whose body opens with a vidspec marker for this project AND whose
author is the identity vidspec posts as are ever read for a fingerprint, edited or deleted:
anyone can write a marker into a comment, so a marked comment by anyone else is ignored (and
returned in ``ignored``, for the job log to warn about). The identity is ``--comment-author``
when the workflow names it, else what the forge says the token is (``Forge.whoami``), else the
forge's ``default_author`` (GitHub's ``github-actions[bot]``, whose ``GITHUB_TOKEN`` may not
ask).

A rate-limited call is waited out (``Retry-After``, through the injected clock, never longer
than ``safety.max_wait``: a longer ``Retry-After`` ends the call in the HTTP seam) and sent
again.
A POST is different: a create that was refused for rate or whose answer was lost may have
landed, so before sending it again the comments are listed again, and a new comment of this
project found there is taken as the one created: never two sticky comments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from vidspec.core.clock import Clock
from vidspec.core.errors import ForgeError, OutcomeUnknown, ProviderError, RateLimited
from vidspec.forges.base import Comment, Forge, same_login
from vidspec.forges.marker import Marker, parse_marker

BEHAVIORS = ("update", "new", "delete-and-new")
ATTEMPTS = 4
DEFAULT_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute
LOST_WAIT = 5.0  # after a lost answer: a moment for the comment to show in the listing
MAX_WAIT = 600.0
T = TypeVar("T")
waits = logging.getLogger("vidspec.wait")  # shown on stderr, like the HTTP seam's waits


@dataclass(frozen=True)
class StickyResult:
    """What was done: ``created``, ``updated``, ``replaced`` (deleted and new), ``skipped``;
    ``ignored``: this project's marked comments by someone other than ``author``."""

    outcome: str
    comment_id: str | None = None
    deleted: int = 0
    author: str = ""
    ignored: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class ReviewedComment:
    """The newest sticky comment of a project by ``author`` and its marker (``None``: there
    is none), and the marked comments by anyone else that were ignored."""

    found: tuple[Comment, Marker] | None
    author: str
    ignored: tuple[Comment, ...] = ()


def marked(comments: list[Comment], project: str) -> list[Comment]:
    """The comments that open with ``project``'s marker, whoever wrote them, oldest first."""
    return [c for c in comments if (m := parse_marker(c.body)) and m.project == project]


def ours(comments: list[Comment], project: str, author: str) -> list[Comment]:
    """This project's sticky comments by ``author``, oldest first."""
    return [c for c in marked(comments, project) if same_login(c.author, author)]


def forged(comments: list[Comment], project: str, author: str) -> tuple[Comment, ...]:
    """Comments that carry ``project``'s marker but are not by ``author``: never trusted."""
    return tuple(c for c in marked(comments, project) if not same_login(c.author, author))


class Sticky:
    """Posts ``body`` as ``project``'s sticky comment on PR ``number`` of ``forge``.

    ``author``: the login vidspec's comments are by (``--comment-author``); ``None`` to learn
    it from the forge. ``max_wait``: ``safety.max_wait``, the longest wait for a rate limit."""

    def __init__(
        self,
        forge: Forge,
        number: int,
        project: str,
        clock: Clock,
        *,
        author: str | None = None,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.forge = forge
        self.number = number
        self.project = project
        self.clock = clock
        self.max_wait = max_wait
        self._author = author

    @property
    def author(self) -> str:
        """Who vidspec posts as: as named, else as the forge says, else its default."""
        if self._author is None:
            learnt = self._retrying(self.forge.whoami) or self.forge.default_author
            if learnt is None:
                raise ForgeError(
                    f"cannot tell which user the token posts as on {self.forge.host}: "
                    "GET /user was refused",
                    "Pass --comment-author USERNAME, the user vidspec's comments are by (on "
                    "GitLab, the project access token's bot user).",
                )
            self._author = learnt
        return self._author

    def post(self, body: str, *, behavior: str, skip: bool) -> StickyResult:
        """``skip``: post nothing new (``--skip-no-changes`` on an empty plan), but an existing
        comment is still updated, so it stops showing changes that are gone."""
        author, mine, ignored = self._read()
        result = self._post(mine, body, behavior, skip)
        return replace(result, author=author, ignored=ignored)

    def _post(self, mine: list[Comment], body: str, behavior: str, skip: bool) -> StickyResult:
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
        return StickyResult("replaced" if deleted else "created", created.id, deleted)

    def amend(self, change: Callable[[str], str]) -> StickyResult:
        """Edit this project's newest comment by vidspec to ``change(its body)`` (the result
        of an apply added to its plan); ``skipped`` when there is none."""
        author, mine, ignored = self._read()
        if not mine:
            return StickyResult("skipped", author=author, ignored=ignored)
        newest = mine[-1]
        self._update(newest.id, change(newest.body))
        return StickyResult("updated", newest.id, author=author, ignored=ignored)

    def reviewed(self) -> ReviewedComment:
        """The newest sticky comment of this project by vidspec, and the forged ones."""
        author, mine, ignored = self._read()
        marker = parse_marker(mine[-1].body) if mine else None
        return ReviewedComment((mine[-1], marker) if marker else None, author, ignored)

    def _read(self) -> tuple[str, list[Comment], tuple[Comment, ...]]:
        """Who vidspec posts as, its comments of this project, and the forged ones."""
        author = self.author
        comments = self._list()
        return author, ours(comments, self.project, author), forged(comments, self.project, author)

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
                landed = [
                    c for c in ours(self._list(), self.project, self.author) if c.id not in known
                ]
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
            self.clock.sleep(min(LOST_WAIT, self.max_wait))
            return
        wait = min(exc.retry_after if exc.retry_after is not None else DEFAULT_WAIT, self.max_wait)
        if wait >= 1:
            waits.info(
                "waiting %.0f s before retrying %s %s on %s (HTTP %s, rate limited)",
                wait,
                exc.method,
                exc.path,
                self.forge.host,
                exc.status,
            )
        self.clock.sleep(wait)
