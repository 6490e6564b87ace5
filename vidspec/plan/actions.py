"""Actions: what a plan will do to one video, as frozen values.

Every action has an ``address``, a human ``reason``, the ``changes`` it makes
(``FieldChange(path, before, after)`` on dotted request-body paths), the number of
``unchanged`` fields the renderers hide, and its ``cost``. Kind-specific fields carry what
``apply`` needs to execute exactly this action (the desired request body, the remote id).

=========== ============================================================= ===================
kind        meaning                                                       remote effect
=========== ============================================================= ===================
move        ``moved:`` block: the state record changes address            none (free)
adopt       a create whose answer was lost is found in the listing        none (state only)
create      generate a new video                                          POST
rename      change the video's name in place                              PATCH
regenerate  generate a replacement, then delete the old video             POST (+ DELETE)
delete      delete a managed video no manifest wants any more             DELETE
forget      drop a video from the state (provider cannot delete, or gone) none
download    save a finished video whose ``download:`` file is not on disk GET (the link)
=========== ============================================================= ===================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from vidspec.core.addresses import natural_key

KIND_ORDER = ("move", "adopt", "create", "rename", "regenerate", "delete", "forget", "download")
# JSON keys every action has; the rest are the kind's own fields.
_COMMON = ("address", "reason", "changes", "cost")
# Files vidspec saved that an action removes or moves (shown in every form of the plan).
_FILES = ("remove_file", "file_from", "file_to")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of the request body: ``before`` (``None``: absent) and ``after``."""

    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> FieldChange:
        return cls(path=str(doc["path"]), before=doc.get("before"), after=doc.get("after"))


@dataclass(frozen=True)
class ActionCost:
    """What one action spends: generation requests, all API requests, video minutes."""

    generation_requests: int = 0
    api_requests: int = 0
    minutes: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "generation_requests": self.generation_requests,
            "api_requests": self.api_requests,
            "minutes": self.minutes,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ActionCost:
        return cls(
            generation_requests=int(doc["generation_requests"]),
            api_requests=int(doc["api_requests"]),
            minutes=float(doc["minutes"]),
        )


@dataclass(frozen=True, kw_only=True)
class Action:
    """Base of every action. ``kind`` is the JSON ``action`` value."""

    kind: ClassVar[str] = ""

    address: str
    reason: str
    changes: tuple[FieldChange, ...] = ()
    cost: ActionCost = field(default_factory=ActionCost)
    unchanged: int = 0

    @property
    def remote_id(self) -> str | None:
        return None

    def sort_key(self) -> tuple[Any, int, str]:
        """Address (in natural order: ``clip2`` before ``clip10``), then kind, then remote id:
        two runs print the same plan."""
        return (natural_key(self.address), KIND_ORDER.index(self.kind), self.remote_id or "")

    def to_json(self, *, full: bool = False) -> dict[str, Any]:
        """The action's JSON form; ``full`` adds what apply needs (saved plans)."""
        doc: dict[str, Any] = {
            "address": self.address,
            "action": self.kind,
            "reason": self.reason,
            "changes": [c.to_json() for c in self.changes],
            "cost": self.cost.to_json(),
        }
        if self.remote_id is not None:
            doc["remote_id"] = self.remote_id
        if isinstance(self, Move):
            doc["from_address"] = self.from_address
        if isinstance(self, Download):
            doc["download"] = self.download
        for name in _FILES:
            if getattr(self, name, None) is not None:
                doc[name] = getattr(self, name)
        if full:
            for f in fields(self):
                if f.name not in _COMMON and f.name not in doc:
                    value = getattr(self, f.name)
                    doc[f.name] = dict(value) if isinstance(value, Mapping) else value
        return doc


@dataclass(frozen=True, kw_only=True)
class Create(Action):
    kind: ClassVar[str] = "create"

    spec: Mapping[str, Any]
    spec_hash: str
    download: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rename(Action):
    """Only the name changes; ``spec`` is the applied body with the new name (what state
    records afterwards)."""

    kind: ClassVar[str] = "rename"

    video_id: str
    name: str
    spec: Mapping[str, Any]
    spec_hash: str

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Regenerate(Action):
    """A new video from ``spec``; the old one (``video_id``) is deleted once the new one is
    done (``create_before_destroy``), or first; never deleted when ``delete_old`` is False
    (the provider cannot delete: it is forgotten instead). ``renewal``: the only reason is the
    old video's coming expiry (``regenerate_before_expiry``), so ``prevent_destroy`` allows it:
    the service deletes the old video within days anyway."""

    kind: ClassVar[str] = "regenerate"

    video_id: str
    spec: Mapping[str, Any]
    spec_hash: str
    download: str | None = None
    create_before_destroy: bool = True
    delete_old: bool = True
    renewal: bool = False

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Delete(Action):
    """Delete ``video_id`` (cancel it first when ``in_flight``). ``superseded``: the id is a
    leftover of a regenerate, and the address itself stays managed. ``remove_file``: the file
    vidspec saved for it (project-relative), removed with it if it is still what was saved."""

    kind: ClassVar[str] = "delete"

    video_id: str
    in_flight: bool = False
    superseded: bool = False
    remove_file: str | None = None

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Forget(Action):
    """Drop ``video_id`` from the state without a call: it is gone already, or the provider
    cannot delete it (it stays in the account until it expires). ``superseded`` as Delete."""

    kind: ClassVar[str] = "forget"

    video_id: str
    superseded: bool = False

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Move(Action):
    """``moved:``: the state record of ``from_address`` now lives at ``address``. ``file_from``
    -> ``file_to``: the file vidspec saved moves with it, when the new address downloads to
    another path (instead of a new download; only if it is still what was saved)."""

    kind: ClassVar[str] = "move"

    from_address: str
    video_id: str | None = None
    file_from: str | None = None
    file_to: str | None = None

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Adopt(Action):
    """A pending create whose answer was lost, found in the listing (``video_id``, same name
    and settings, created after the pending record). Apply records it in the state instead of
    creating the video again. ``spec`` is what that create sent; ``replaces`` is the old id
    when the lost create was a regenerate's."""

    kind: ClassVar[str] = "adopt"

    video_id: str
    spec: Mapping[str, Any]
    spec_hash: str
    status: str
    replaces: str | None = None

    @property
    def remote_id(self) -> str | None:
        return self.video_id


@dataclass(frozen=True, kw_only=True)
class Download(Action):
    """Save the finished video ``video_id`` to ``download`` (a path relative to the project
    directory): the apply that made it did not (``--no-wait``, Ctrl-C, a failed download), or
    the file is gone or changed, or ``download:`` names another path now. Nothing is generated."""

    kind: ClassVar[str] = "download"

    video_id: str
    download: str

    @property
    def remote_id(self) -> str | None:
        return self.video_id


ACTION_TYPES: dict[str, type[Action]] = {
    cls.kind: cls for cls in (Move, Adopt, Create, Rename, Regenerate, Delete, Forget, Download)
}


def action_from_json(doc: Mapping[str, Any]) -> Action:
    """Rebuild an action from its ``full`` JSON form; ``KeyError``/``TypeError`` if incomplete."""
    cls = ACTION_TYPES[str(doc["action"])]
    kwargs: dict[str, Any] = {
        "address": str(doc["address"]),
        "reason": str(doc["reason"]),
        "changes": tuple(FieldChange.from_json(c) for c in doc["changes"]),
        "cost": ActionCost.from_json(doc["cost"]),
    }
    for f in fields(cls):
        if f.name in _COMMON:
            continue
        if f.name in doc:
            kwargs[f.name] = doc[f.name]
    return cls(**kwargs)
