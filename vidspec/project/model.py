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


def row_note(address: str, row: SourceLocation, names: tuple[str, ...], from_text: bool) -> str:
    """`` (in promo[b2], from data/promos.csv:3, column `voice`)``: how a problem found in an
    instance of a for_each names it, its row and the columns (CSV) or fields that filled the
    field (none: the field is the template's own)."""
    if not names:
        return f" (in {address}, from {row})"
    unique = tuple(dict.fromkeys(names))
    noun = ("column" if from_text else "field") + ("s" if len(unique) > 1 else "")
    return f" (in {address}, from {row}, {noun} {', '.join(f'`{n}`' for n in unique)})"


@dataclass(frozen=True)
class RowOrigin:
    """Where an instance of a for_each came from: its row, and for each field its row filled
    (dotted path, shared by the definition's instances where it can be), the names used."""

    row: SourceLocation
    columns: Mapping[str, tuple[str, ...]]
    from_text: bool  # CSV cells (columns) rather than YAML, JSON or manifest values (fields)

    def note(self, address: str, path: str) -> str:
        """``row_note`` for a problem at ``path``: the names that filled it, a field above it
        or the fields below it."""
        names: tuple[str, ...] = ()
        for field_path, used in self.columns.items():
            if (
                path == field_path
                or path.startswith(field_path + ".")
                or (field_path.startswith(path + "."))
            ):
                names += used
        return row_note(address, self.row, names, self.from_text)


@dataclass(frozen=True, slots=True)  # slots: 100,000 of them, ~100 bytes less each
class DesiredVideo:
    """One video as the manifests ask for it.

    ``spec`` is the exact request body vidspec would send (JSON-ready, never mutated).
    ``field_locations`` maps dotted paths (``actor.version``; also vidspec's own
    ``lifecycle.prevent_destroy`` and ``download``) to where each was written (for a default,
    in the ``defaults`` it came from), so problems found later (catalog, ``prevent_destroy``)
    can still point at the line; ``location`` is the address. ``origin``: the row an instance
    of a for_each came from, so that such a problem also names the instance, row and column.
    """

    address: str
    spec: Mapping[str, Any]
    spec_hash: str
    location: SourceLocation
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    download: str | None = None
    field_locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    origin: RowOrigin | None = None  # an instance of a for_each: its row

    def row_note(self, path: str) -> str:
        """How a problem at ``path`` names this instance, its row and columns (see
        ``row_note``); empty for a video written out."""
        return "" if self.origin is None else self.origin.note(self.address, path)

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
