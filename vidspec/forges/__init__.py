"""GitHub and GitLab comment clients behind one small protocol (``base.Forge``), the sticky
comment logic (``sticky``), its marker (``marker``), and where the CI environment says to post
(``target``). HTTP goes through the project's one seam (``vidspec.providers.http``)."""

from __future__ import annotations

from vidspec.core.clock import Clock
from vidspec.forges.base import COMMENT_LIMIT, Comment, Forge
from vidspec.forges.github import GitHub
from vidspec.forges.gitlab import GitLab
from vidspec.forges.target import ForgeFlags, ForgeTarget, read_token, resolve_target
from vidspec.providers.http.client import HttpPolicy

__all__ = [
    "COMMENT_LIMIT",
    "Comment",
    "Forge",
    "ForgeFlags",
    "ForgeTarget",
    "open_forge",
    "read_token",
    "resolve_target",
]


def open_forge(
    target: ForgeTarget, token: str, clock: Clock, policy: HttpPolicy | None = None
) -> Forge:
    """The client of ``target``'s forge, bound to its repository."""
    if target.forge == "github":
        return GitHub(target.api_url, target.repo, token, clock, policy)
    return GitLab(target.api_url, target.repo, token, clock, policy)
