"""``vidspec validate``: the manifests, then the videos against the provider's catalog.

The manifests are checked offline (``vidspec.project.loader``). The catalog check uses the
catalog a plan (or an earlier ``validate --refresh-catalog``) kept in ``.vidspec/catalog.json``
(``vidspec.app.catalog_cache``); ``refresh_catalog`` reads it from the service first, through
the project's one provider, its requests counted in the month's like any command's, and keeps
it. Without a kept catalog the videos are not checked against one, and the note says so and
how to change it: a pre-commit hook or CI's validate must never let a voice the actor does not
offer through in silence. A kept catalog older than ``provider.catalog_max_age`` is still
used, with a note that it may be out of date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vidspec.app.catalog_cache import catalog_max_age, keep_catalog, kept_catalog
from vidspec.app.workflow import counted_provider
from vidspec.core.clock import Clock
from vidspec.core.errors import Problem
from vidspec.core.paths import display_path
from vidspec.core.times import humanize_delta
from vidspec.plan.checks import desired_catalog_problems
from vidspec.project.config import Project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired
from vidspec.state import open_state_store

REFRESH = "vidspec validate --refresh-catalog"


@dataclass(frozen=True)
class Validation:
    """Valid manifests (``desired``), the catalog's problems with them, and what ``note``
    says of that check (always said: checked against what, or not checked and why)."""

    desired: Desired
    problems: tuple[Problem, ...]
    note: str


def validate_project(
    project: Project,
    clock: Clock,
    *,
    refresh_catalog: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Validation:
    """Check the manifests (``ManifestError`` with every problem) and the catalog."""
    desired = load_desired(project)
    where = display_path(project.work_dir / "catalog.json")
    if refresh_catalog:
        usage = open_state_store(project, clock=clock).usage()
        with counted_provider(project, clock, usage=usage, environ=environ) as provider:
            catalog = provider.catalog()
            requests = provider.ledger.total
        keep_catalog(project, catalog, clock.now())
        counted = f"{requests} request{'' if requests == 1 else 's'}, counted in this month's"
        note = (
            f"Checked against the provider's catalog, read just now ({counted}; kept in {where})."
        )
        return Validation(desired, tuple(desired_catalog_problems(desired, catalog)), note)
    kept = kept_catalog(project)
    if kept is None:
        note = (
            "Not checked against the provider's catalog (voices, actors, avatars, backgrounds): "
            f"none is kept yet ({where}). `{REFRESH}` reads it (so does a plan)."
        )
        return Validation(desired, (), note)
    now = clock.now()
    max_age = catalog_max_age(project)
    note = f"Checked against the provider's catalog, {kept.age(now)} ({where})."
    if not kept.young(now, max_age):
        note = (
            f"Checked against the provider's catalog {kept.age(now)} ({where}), older than "
            f"provider.catalog_max_age ({humanize_delta(max_age)}): it may be out of date; "
            f"`{REFRESH}` reads it again."
        )
    return Validation(desired, tuple(desired_catalog_problems(desired, kept.catalog)), note)


__all__ = ["Validation", "validate_project"]
