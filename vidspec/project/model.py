"""The ``Desired`` value: what the manifests ask for, fully resolved.

Loading (``vidspec.project.loader``) turns vidspec.yaml and the manifests into one
``Desired``: per address, the final request body (defaults merged, ``{file:}`` read), its
canonical hash, lifecycle, download path and where it was written. Everything downstream
(planner, apply) reads only this value, never YAML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from vidspec.core.location import SourceLocation
from vidspec.project.protect import ProtectedPaths


def canonical_json(value: Any) -> str:
    """The one canonical serialisation: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_hash(spec: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the canonical JSON of a request body."""
    digest = hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class Lifecycle:
    prevent_destroy: bool = False
    ignore_changes: tuple[str, ...] = ()
    create_before_destroy: bool = True
    regenerate_before_expiry: timedelta | None = None


@dataclass(frozen=True, slots=True)  # slots: 100,000 of them, ~100 bytes less each
class DesiredVideo:
    """One video as the manifests ask for it.

    ``spec`` is the exact request body vidspec would send (JSON-ready, never mutated).
    ``field_locations`` maps dotted paths (``actor.version``; also vidspec's own
    ``lifecycle.prevent_destroy`` and ``download``) to where each was written (for a default,
    in the ``defaults`` it came from), so problems found later (catalog, ``prevent_destroy``)
    can still point at the line; ``location`` is the address.
    """

    address: str
    spec: Mapping[str, Any]
    spec_hash: str
    location: SourceLocation
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    download: str | None = None
    field_locations: Mapping[str, SourceLocation] = field(default_factory=dict)

    def location_of(self, path: str) -> SourceLocation:
        """The closest known location of a dotted path: the field, a parent, or the address."""
        parts = path.split(".")
        while parts:
            found = self.field_locations.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return self.location


@dataclass(frozen=True)
class MovedBlock:
    """``moved: [{from: old, to: new}]``: an address change, free of charge."""

    from_address: str
    to_address: str
    location: SourceLocation


@dataclass(frozen=True)
class RemovedBlock:
    """``removed: [{from: ADDR, lifecycle: {destroy: false}}]`` (Terraform's ``removed``):
    ``from_address`` (a video, an instance ``NAME[KEY]``, or a for_each ``NAME``: every
    instance) is no longer in any manifest; ``destroy`` false stops managing it without
    deleting it (``forget``), true deletes it as any removed video."""

    from_address: str
    destroy: bool
    location: SourceLocation

    def covers(self, address: str) -> bool:
        """True for ``address`` itself, and for every instance when ``from`` is a bare name."""
        return address == self.from_address or (
            "[" not in self.from_address and address.startswith(self.from_address + "[")
        )


@dataclass(frozen=True)
class Desired:
    """Everything the manifests ask for. ``videos`` is ordered by address."""

    provider_kind: str
    videos: Mapping[str, DesiredVideo]
    moves: tuple[MovedBlock, ...] = ()
    removed: tuple[RemovedBlock, ...] = ()
    files: tuple[str, ...] = ()
    # for_each: each definition's name -> its instances' addresses (``promo`` -> ``promo[de]``)
    definitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # e.g. a for_each column no placeholder uses
    # what no download may write (vidspec's files, manifests, {file:} texts): apply's last guard
    protected: ProtectedPaths = field(default_factory=ProtectedPaths)
