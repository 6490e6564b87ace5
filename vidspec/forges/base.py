"""The one small protocol every forge client (GitHub, GitLab) implements, and its values.

A forge is where the pull request (GitHub) or merge request (GitLab) lives. vidspec needs six
things from it: who the token posts as, list a PR's comments (all pages) with their authors,
create, edit and delete one, and find the PR a commit was merged from. The clients send through
the project's one HTTP seam (``vidspec.http``) and raise ``ForgeError`` naming the
host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

COMMENT_LIMIT = 65_536
"""GitHub refuses a comment body over 65,536 characters; GitLab allows 1,000,000, and vidspec
keeps to the smaller budget on both."""

MAX_PAGES = 200
"""At most this many pages of comments are read (20,000 comments at 100 a page): a server that
keeps saying "next" cannot keep us listing forever."""


@dataclass(frozen=True)
class Comment:
    """One comment of a PR/MR: the forge's id (as text), its body, and who wrote it."""

    id: str
    body: str
    author: str | None = None
    """The author's login (GitHub ``user.login``, GitLab ``author.username``); ``None`` when
    the forge names none (a deleted account). Only comments by the identity vidspec posts as
    are ever read for a fingerprint, edited or deleted."""


def same_login(a: str | None, b: str | None) -> bool:
    """Whether two logins name the same account (GitHub and GitLab logins ignore case)."""
    return a is not None and b is not None and a.casefold() == b.casefold()


@runtime_checkable
class Forge(Protocol):
    """A GitHub- or GitLab-like API, bound to one repository (``repo``) with one token.

    ``number`` is the PR number (GitHub) or the MR's iid (GitLab). Every method raises
    ``vidspec.core.errors.ForgeError`` (or ``RateLimited``/``OutcomeUnknown`` for the sticky logic
    to handle: a POST is re-checked by listing before it is sent again).
    """

    host: str
    """The API host, for messages (``api.github.com``)."""
    request_noun: str
    """``pull request`` or ``merge request``."""
    default_author: str | None
    """Who the token posts as when the forge will not say (``whoami`` is ``None``): GitHub's
    ``github-actions[bot]``, the identity of a workflow's ``GITHUB_TOKEN``; ``None`` on GitLab,
    where every token that may write a note can also read ``GET /user``."""

    def whoami(self) -> str | None:
        """The login the token posts as (``GET /user``), or ``None`` when the token may not
        ask (GitHub answers 403 to an Actions or App installation token)."""
        ...

    def list_comments(self, number: int) -> list[Comment]:
        """Every comment of the PR, oldest first, through all pages."""
        ...

    def create_comment(self, number: int, body: str) -> Comment:
        """Add a comment at the bottom; never retried by the client itself."""
        ...

    def update_comment(self, number: int, comment_id: str, body: str) -> None:
        """Replace a comment's body."""
        ...

    def delete_comment(self, number: int, comment_id: str) -> None:
        """Delete a comment."""
        ...

    def requests_for_commit(self, sha: str) -> list[int]:
        """The PR/MR numbers that contain (or were merged as) commit ``sha``, best first."""
        ...

    def close(self) -> None: ...
