"""Opening the client of a ``ForgeTarget``'s forge."""

from __future__ import annotations

from vidspec.core.clock import Clock
from vidspec.forges.base import Forge
from vidspec.forges.github import GitHub
from vidspec.forges.gitlab import GitLab
from vidspec.forges.target import ForgeTarget
from vidspec.http.client import HttpPolicy


def open_forge(
    target: ForgeTarget, token: str, clock: Clock, policy: HttpPolicy | None = None
) -> Forge:
    """The client of ``target``'s forge, bound to its repository."""
    if target.forge == "github":
        return GitHub(target.api_url, target.repo, token, clock, policy)
    return GitLab(target.api_url, target.repo, token, clock, policy)
