"""``.vidspec/catalog.json``: the catalog the last plan read, kept for ``validate`` and reuse.

Every refreshed plan writes the catalog it read (the service's own answer, so that reading it
back goes through the same tolerant parsers as a live one), with the time and the provider it
came from. ``validate`` checks the manifests against it when present, offline; a Vidnoz plan
reuses it while it is younger than ``provider.catalog_max_age`` (default 10 minutes): its
catalog costs two paced calls, and carries no quota that could go stale. A CDNvideo catalog
holds the minutes left, so its plans always read it again.

The file is local (git-ignored by ``vidspec init``'s template) and untrusted like any server
answer: a file that does not parse, or belongs to another provider, is ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vidspec.app.providers import kind_plugin
from vidspec.core.atomic import atomic_write_text
from vidspec.core.errors import StateError, VidspecError
from vidspec.core.escape import escape_text
from vidspec.core.times import format_time, humanize_delta, parse_time
from vidspec.project.config import Project
from vidspec.providers.base import Catalog

__all__ = [
    "DEFAULT_MAX_AGE",
    "KeptCatalog",
    "catalog_max_age",
    "catalog_names",
    "keep_catalog",
    "kept_catalog",
    "reusable_catalog",
]

FORMAT_VERSION = 1
DEFAULT_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class KeptCatalog:
    """A catalog read back from ``.vidspec/catalog.json``, and when the service sent it."""

    catalog: Catalog
    fetched_at: datetime

    def young(self, now: datetime, max_age: timedelta) -> bool:
        """Read less than ``max_age`` ago (and not in the future: a clock that went back)."""
        return timedelta(0) <= now - self.fetched_at < max_age

    def age(self, now: datetime) -> str:
        """``read 5 minutes ago`` (``read just now`` within the minute)."""
        delta = now - self.fetched_at
        if delta < timedelta(minutes=1):
            return "read just now"
        return f"read {humanize_delta(delta)} ago"


def keep_catalog(project: Project, catalog: Catalog, now: datetime) -> None:
    """Write ``catalog`` (as the service sent it) to ``.vidspec/catalog.json``."""
    source = getattr(catalog, "source", None)
    if source is None:
        return  # built another way (a test's value): nothing to keep
    doc = {
        "format_version": FORMAT_VERSION,
        "provider": _identity(project),
        "fetched_at": format_time(now),
        "source": source,
    }
    path = project.work_dir / "catalog.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(doc, indent=1, sort_keys=True) + "\n")
    except OSError as exc:
        raise StateError(f"cannot write {path}: {exc.strerror or exc}") from exc


def kept_catalog(project: Project) -> KeptCatalog | None:
    """The kept catalog of this project's provider, or ``None`` (absent, unreadable, another
    provider's, or not a catalog)."""
    try:
        doc = json.loads((project.work_dir / "catalog.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format_version") != FORMAT_VERSION:
        return None
    if doc.get("provider") != _identity(project):
        return None
    try:
        fetched_at = parse_time(str(doc.get("fetched_at")))
        catalog = _rebuild(project.provider.kind, doc.get("source"))
    except (ValueError, VidspecError):  # a kind that does not load keeps no catalog either
        return None
    return KeptCatalog(catalog, fetched_at)


def reusable_catalog(project: Project, now: datetime, *, refresh: bool) -> Catalog | None:
    """The kept catalog when a plan may use it instead of asking the service: a kind whose
    plugin says ``reuse_catalog`` (Vidnoz), younger than ``provider.catalog_max_age``, and
    not ``--refresh-catalog``."""
    if refresh or not kind_plugin(project.provider.kind).reuse_catalog:
        return None
    kept = kept_catalog(project)
    if kept is None or not kept.young(now, catalog_max_age(project)):
        return None
    return kept.catalog


def catalog_max_age(project: Project) -> timedelta:
    """``provider.catalog_max_age`` of vidspec.yaml, or the default (10 minutes)."""
    max_age = project.provider.catalog_max_age
    return DEFAULT_MAX_AGE if max_age is None else max_age


def catalog_names(project: Project) -> dict[str, str]:
    """Ids the kept catalog names (Vidnoz avatars and voices: id -> name), for the plan to
    show beside the ids; empty when none is kept or its ids are names already (CDNvideo)."""
    kept = kept_catalog(project)
    # a catalog whose ids are not names says so with ``display_names`` (Vidnoz's)
    display_names = getattr(kept.catalog, "display_names", None) if kept else None
    if display_names is None:
        return {}
    # a name is the server's text: one line, nothing in it may steer the terminal
    return {i: escape_text(n) for i, n in display_names().items()}


def _rebuild(kind: str, source: Any) -> Catalog:
    rebuild = kind_plugin(kind).catalog_from_source
    if rebuild is None:
        raise ValueError(f"the {kind} provider keeps no catalog")
    return rebuild(source)


def _identity(project: Project) -> dict[str, Any]:
    """Which account the catalog belongs to (no secret: kind, account and base URL)."""
    provider = project.provider
    return {"kind": provider.kind, "account": provider.account, "base_url": provider.base_url}
