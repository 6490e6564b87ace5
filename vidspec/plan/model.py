"""The ``Plan`` value: actions in a fixed order, what is in flight, what is not ours, the cost,
and the safety checks that belong to it.

The plan's JSON document (``plan --json``, ``show --json PLANFILE``; JSON Schema in
``vidspec/schemas/plan.schema.json``) is::

    {"format_version": 1,
     "refreshed": true,
     "fingerprint": "<sha256 hex of the canonical actions>",
     "actions": [{"address", "action", "reason", "changes": [{"path", "before", "after"}],
                  "cost": {"generation_requests", "api_requests", "minutes"},
                  "remote_id"?, "from_address"?, "download"?}],
     "summary": {"create", "rename", "regenerate", "delete", "move", "forget", "adopt",
                 "download"},
     "cost": {"generation_requests", "api_requests", "refresh_requests", "minutes", "unit",
              "amount", "quota_left", "requests_used", "requests_cap"},
     "apply_time"?: {"seconds", "generation_rate": {"count", "seconds"}, "generations",
                     "requests", "requests_cap", "month_share"},
     "pending": [{"address", "remote_id", "state", "since", "note", "until"}],
     "unconfirmed": {"count", "until"},
     "converged": true,
     "unmanaged": {"count", "videos": [{"id", "name"}]},
     "warnings": ["..."]}

Consumers should ignore keys they do not know; ``format_version`` changes when a key changes
meaning or goes away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vidspec.core.addresses import natural_key
from vidspec.core.errors import QuotaExceeded, UnsafePlan
from vidspec.core.times import format_time, parse_time
from vidspec.plan.actions import KIND_ORDER, Action, action_from_json
from vidspec.plan.duration import ApplyTime
from vidspec.plan.fingerprint import plan_fingerprint
from vidspec.project.config import Safety

PLAN_FORMAT_VERSION = 1


@dataclass(frozen=True)
class PendingTask:
    """Something in flight: shown in the plan, never created again.

    ``state`` is ``queued``/``running`` (a task the service reports), ``unknown`` (a create
    whose answer was lost and that the listing has not shown yet: unconfirmed, the video may
    not exist) or ``abandoned`` (such a create that never appeared within the grace period:
    apply drops its record). ``until``: for ``unknown``, when a plan creates it again if it is
    still not listed (``None``: not known, the listing was not read)."""

    address: str
    remote_id: str | None
    state: str
    since: datetime
    note: str
    until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "remote_id": self.remote_id,
            "state": self.state,
            "since": format_time(self.since),
            "note": self.note,
            "until": None if self.until is None else format_time(self.until),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> PendingTask:
        until = doc.get("until")
        return cls(
            address=str(doc["address"]),
            remote_id=doc.get("remote_id"),
            state=str(doc["state"]),
            since=parse_time(str(doc["since"])),
            note=str(doc["note"]),
            until=None if until is None else parse_time(str(until)),
        )


@dataclass(frozen=True, order=True)
class UnmanagedVideo:
    """A remote video vidspec does not manage: counted and listed, never touched."""

    id: str
    name: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class PlanCost:
    """The whole plan's cost and what is left to spend it from.

    ``api_requests`` includes ``refresh_requests`` (the catalog and listing calls apply makes
    before it acts) and ``polling_requests`` (the expected listing rounds while the plan's
    generations run, ``vidspec.cost.polling_requests``). ``amount`` is ``minutes`` in the
    provider's ``unit`` ("minutes", or "credits" at the provider's rate); ``quota_left`` is in
    the same unit, ``None`` when the service does not say (or the plan was not refreshed).
    ``requests_used`` is this month's count including the requests this plan just made;
    ``requests_cap`` the monthly cap.
    """

    generation_requests: int = 0
    api_requests: int = 0
    refresh_requests: int = 0
    polling_requests: int = 0
    minutes: float = 0.0
    unit: str = "minutes"
    amount: float = 0.0
    quota_left: float | None = None
    requests_used: int = 0
    requests_cap: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "generation_requests": self.generation_requests,
            "api_requests": self.api_requests,
            "refresh_requests": self.refresh_requests,
            "polling_requests": self.polling_requests,
            "minutes": self.minutes,
            "unit": self.unit,
            "amount": self.amount,
            "quota_left": self.quota_left,
            "requests_used": self.requests_used,
            "requests_cap": self.requests_cap,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> PlanCost:
        return cls(
            generation_requests=int(doc["generation_requests"]),
            api_requests=int(doc["api_requests"]),
            refresh_requests=int(doc["refresh_requests"]),
            polling_requests=int(doc.get("polling_requests", 0)),
            minutes=float(doc["minutes"]),
            unit=str(doc["unit"]),
            amount=float(doc["amount"]),
            quota_left=None if doc.get("quota_left") is None else float(doc["quota_left"]),
            requests_used=int(doc["requests_used"]),
            requests_cap=None if doc.get("requests_cap") is None else int(doc["requests_cap"]),
        )


@dataclass(frozen=True)
class Plan:
    """What ``apply`` would do, in a fixed order (by address, then kind)."""

    actions: tuple[Action, ...]
    cost: PlanCost
    pending: tuple[PendingTask, ...] = ()
    unmanaged: tuple[UnmanagedVideo, ...] = ()
    warnings: tuple[str, ...] = ()
    refreshed: bool = True
    apply_time: ApplyTime | None = None
    """How long apply takes at the provider's limits (``vidspec.plan.duration``)."""

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.actions, key=lambda a: a.sort_key()))
        object.__setattr__(self, "actions", ordered)
        object.__setattr__(self, "pending", tuple(sorted(self.pending, key=_pending_key)))
        object.__setattr__(self, "unmanaged", tuple(sorted(self.unmanaged)))

    @property
    def has_changes(self) -> bool:
        """True when apply would do anything, a download alone included (``--detailed-exitcode``
        2)."""
        return bool(self.actions) or any(p.state == "abandoned" for p in self.pending)

    @property
    def unconfirmed(self) -> tuple[PendingTask, ...]:
        """Creates whose answer was lost and that the listing does not show yet: their videos
        may not exist, so nothing to do now is not "the videos match"."""
        return tuple(p for p in self.pending if p.state == "unknown")

    @property
    def converged(self) -> bool:
        """Nothing to apply and no create awaiting confirmation: ``plan --detailed-exitcode``
        exits 0 only then (2 otherwise)."""
        return not self.has_changes and not self.unconfirmed

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(KIND_ORDER, 0)
        for action in self.actions:
            counts[action.kind] += 1
        return counts

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical actions (``vidspec.plan.fingerprint``): what was reviewed."""
        abandoned = ((p.address, p.remote_id) for p in self.pending if p.state == "abandoned")
        return plan_fingerprint(self.actions, abandoned)

    # --- safety ----------------------------------------------------------------------------

    def check(self, safety: Safety, *, force: bool = False) -> None:
        """Refuse a plan the account cannot pay for (``QuotaExceeded``, not overridable) or
        one over a ``safety`` cap of vidspec.yaml (``UnsafePlan``, unless ``force``)."""
        self._check_quota()
        if force:
            return
        counts = self.summary
        over: list[str] = []
        if counts["delete"] > safety.max_deletes:
            over.append(
                f"it deletes {counts['delete']} videos; safety.max_deletes is {safety.max_deletes}"
            )
        if counts["regenerate"] > safety.max_regenerations:
            over.append(
                f"it regenerates {counts['regenerate']} videos; safety.max_regenerations is "
                f"{safety.max_regenerations}"
            )
        if self.cost.minutes > safety.max_minutes:
            over.append(
                f"it generates ~{_num(self.cost.minutes)} video minutes; safety.max_minutes is "
                f"{_num(safety.max_minutes)}"
            )
        if over:
            raise UnsafePlan(
                "This plan is over the safety limits of vidspec.yaml: " + "; ".join(over) + ".",
                "Review the plan; if it is what you want, run again with --force (or raise the "
                "limit under `safety:` in vidspec.yaml).",
            )

    def _check_quota(self) -> None:
        cost = self.cost
        if cost.quota_left is not None and cost.amount > cost.quota_left:
            raise QuotaExceeded(
                f"This plan needs ~{_num(cost.amount)} {cost.unit}; the account has "
                f"{_num(cost.quota_left)} {cost.unit} left.",
                "Plan fewer videos at once (--target ADDR), shorten scripts, or raise the "
                "account's quota. --force does not override this.",
            )
        spending = sum(a.cost.api_requests for a in self.actions)
        if cost.requests_cap is not None and spending > 0:
            left = max(0, cost.requests_cap - cost.requests_used)
            if cost.api_requests > left:
                raise QuotaExceeded(
                    f"This plan needs ~{cost.api_requests} API requests; {cost.requests_used} of "
                    f"the {cost.requests_cap} allowed this month are used ({left} left).",
                    "Plan fewer videos at once (--target ADDR) or wait for next month. --force "
                    "does not override this.",
                )

    # --- JSON ------------------------------------------------------------------------------

    def to_json(self, *, full: bool = False, actions: bool = True) -> dict[str, Any]:
        """The plan document (module docstring); ``full`` adds each action's apply data.
        ``actions=False`` leaves them out (``vidspec.render.jsonout`` streams them)."""
        doc: dict[str, Any] = {
            "format_version": PLAN_FORMAT_VERSION,
            "refreshed": self.refreshed,
            "fingerprint": self.fingerprint,
            "summary": self.summary,
            "cost": self.cost.to_json(),
            "pending": [p.to_json() for p in self.pending],
            "unconfirmed": self._unconfirmed_json(),
            "converged": self.converged,
            "unmanaged": {
                "count": len(self.unmanaged),
                "videos": [u.to_json() for u in self.unmanaged],
            },
            "warnings": list(self.warnings),
        }
        if self.apply_time is not None:
            doc["apply_time"] = self.apply_time.to_json()
        if actions:
            doc["actions"] = [a.to_json(full=full) for a in self.actions]
        return doc

    def _unconfirmed_json(self) -> dict[str, Any]:
        """How many creates await confirmation, and until when at the latest (``None``: none,
        or a plan made without reading the listing)."""
        waiting = self.unconfirmed
        untils = [p.until for p in waiting]
        known = [u for u in untils if u is not None]
        until = max(known) if waiting and len(known) == len(untils) else None
        return {"count": len(waiting), "until": None if until is None else format_time(until)}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Plan:
        """Rebuild a plan from its ``full`` document (a saved plan); ``KeyError``,
        ``TypeError`` or ``ValueError`` when it is incomplete."""
        return cls(
            actions=tuple(action_from_json(a) for a in doc["actions"]),
            cost=PlanCost.from_json(doc["cost"]),
            pending=tuple(PendingTask.from_json(p) for p in doc["pending"]),
            unmanaged=tuple(
                UnmanagedVideo(id=str(u["id"]), name=u.get("name"))
                for u in doc["unmanaged"]["videos"]
            ),
            warnings=tuple(str(w) for w in doc["warnings"]),
            refreshed=bool(doc["refreshed"]),
            apply_time=ApplyTime.from_json(doc["apply_time"]) if "apply_time" in doc else None,
        )


def _pending_key(task: PendingTask) -> tuple[Any, str]:
    return (natural_key(task.address), task.remote_id or "")


def _num(value: float) -> str:
    """1 -> "1", 4.5 -> "4.5", 4.25 -> "4.2" (one decimal at most)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
