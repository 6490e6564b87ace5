"""Checks and sums over a planned set of actions: placeholders, catalog, prevent_destroy,
cost. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vidspec.core.addresses import split_address
from vidspec.core.errors import PreventDestroy, Problem
from vidspec.core.location import SourceLocation
from vidspec.core.unfilled import dotted_path, unfilled
from vidspec.plan import cost as costs
from vidspec.plan.actions import Action, Create, Delete, Regenerate, Rename
from vidspec.plan.model import PlanCost
from vidspec.project.model import Desired, DesiredVideo
from vidspec.providers.base import Capabilities, Catalog


def sent_problems(
    actions: Sequence[Action], desired: Desired, catalog: Catalog | None, caps: Capabilities
) -> list[Problem]:
    """What must stop a plan before approval, at its manifest location: a placeholder nothing
    filled (``unfilled_problems``), and what the catalog (when read) does not offer."""
    problems = unfilled_problems(actions, desired, caps)
    if catalog is not None:
        problems += catalog_problems(actions, desired, catalog)
    return problems


def catalog_problems(
    actions: Sequence[Action], desired: Desired, catalog: Catalog
) -> list[Problem]:
    """Every catalog problem of what would be generated, at its manifest location."""
    problems: list[Problem] = []
    for action in actions:
        if not isinstance(action, (Create, Regenerate)):
            continue
        problems += _catalog_problems(desired.videos[action.address], action.spec, catalog)
    return problems


def desired_catalog_problems(desired: Desired, catalog: Catalog) -> list[Problem]:
    """Every catalog problem of every video the manifests define (``validate``), at its
    manifest location."""
    problems: list[Problem] = []
    for video in desired.videos.values():
        problems += _catalog_problems(video, video.spec, catalog)
    return problems


def _catalog_problems(
    video: DesiredVideo, spec: Mapping[str, Any], catalog: Catalog
) -> list[Problem]:
    """The catalog's problems with ``spec``, at the manifest line; an instance of a for_each
    also names itself, its row and the columns that filled the field."""
    return [
        Problem(
            video.location_of(found.path),
            found.message + video.row_note(found.path),
            found.hint,
        )
        for found in catalog.problems(spec)
    ]


def unfilled_problems(
    actions: Sequence[Action], desired: Desired, caps: Capabilities
) -> list[Problem]:
    """The last guard before approval: a create, regenerate or rename whose text still holds
    a placeholder (``vidspec.core.unfilled``), at its manifest line, naming video and field."""
    problems: list[Problem] = []
    for action in actions:
        if isinstance(action, (Create, Regenerate)):
            sent: Mapping[str, Any] = action.spec
        elif isinstance(action, Rename):
            sent = {caps.name_field: action.name}
        else:
            continue
        video = desired.videos.get(action.address)
        for path, text in unfilled(sent):
            field = dotted_path(path)
            problems.append(
                Problem(
                    video.location_of(field) if video else SourceLocation(action.address),
                    f"{field} of video '{action.address}' holds `{text}`, a placeholder nothing "
                    "filled",
                    "nothing is sent: a placeholder is filled only in a for_each video's own "
                    "fields and {file:} texts",
                )
            )
    return problems


def check_prevent_destroy(actions: Sequence[Action], desired: Desired) -> None:
    """``PreventDestroy`` naming, for each protected video the plan would destroy, the
    file:line:column where its ``prevent_destroy: true`` is written (the video's own
    ``lifecycle``, or the file's or the project's ``defaults``).

    A regenerate whose only reason is the coming expiry (``renewal``) is allowed: the service
    deletes the old video within days anyway. Any other regenerate, and a delete, is refused."""
    lines = []
    for action in actions:
        destroys = (isinstance(action, Regenerate) and not action.renewal) or (
            isinstance(action, Delete) and not action.superseded
        )
        video = desired.videos.get(action.address) or _definition_of(action.address, desired)
        if destroys and video is not None and video.lifecycle.prevent_destroy:
            where = video.location_of("lifecycle.prevent_destroy")
            verb = "regenerated" if isinstance(action, Regenerate) else "deleted"
            lines.append(
                f"{where}: {action.address} would be {verb} ({action.reason}), and "
                f"prevent_destroy: true here protects it"
            )
    if lines:
        raise PreventDestroy(
            "lifecycle.prevent_destroy forbids this plan:\n  " + "\n  ".join(lines),
            "If you really mean it, remove prevent_destroy: true at the line shown (or set it "
            "to false for this video); otherwise leave these videos out of this plan: "
            "--target the other videos.",
        )


def _definition_of(address: str, desired: Desired) -> DesiredVideo | None:
    """For an instance whose row is gone, a sibling: the for_each definition is still written,
    and its ``prevent_destroy`` protects every instance (as Terraform's does)."""
    name, key = split_address(address)
    siblings = desired.definitions.get(name, ()) if key is not None else ()
    return desired.videos.get(siblings[0]) if siblings else None


def plan_cost(
    actions: Sequence[Action],
    *,
    listing_size: int,
    catalog: Catalog | None,
    caps: Capabilities,
    requests_used: int,
) -> PlanCost:
    """The plan's cost (see ``vidspec.plan.cost`` for the request model) and what is left."""
    refresh = costs.refresh_requests(listing_size, caps)
    generations = sum(a.cost.generation_requests for a in actions)
    polling = costs.polling_requests(generations, listing_size, caps)
    minutes = round(sum(a.cost.minutes for a in actions), 3)
    quota_left = None
    if catalog is not None and catalog.quota.left is not None:
        quota_left = _convert(catalog.quota.left, catalog.quota.unit, caps)
    return PlanCost(
        generation_requests=generations,
        api_requests=refresh + polling + sum(a.cost.api_requests for a in actions),
        refresh_requests=refresh,
        polling_requests=polling,
        minutes=minutes,
        unit=caps.cost_unit,
        amount=round(costs.in_unit(minutes, caps), 3),
        quota_left=quota_left,
        requests_used=requests_used,
        requests_cap=caps.monthly_requests,
    )


def _convert(value: float, unit: str, caps: Capabilities) -> float:
    """A quota reported in ``unit`` in the provider's cost unit."""
    if unit == caps.cost_unit:
        return value
    rate = caps.credits_per_minute
    return value * rate if caps.cost_unit == "credits" else value / rate
