"""Whether a saved plan (``vidspec plan -o``) may still be applied: made for this provider and
state backend, against the state as it is now and the listing as it is now. Pure: the caller
reads the state and the listing and passes them in; each check raises ``StalePlan`` saying
what moved and how to plan again."""

from __future__ import annotations

from collections.abc import Sequence

from vidspec.core.errors import StalePlan
from vidspec.core.videos import RemoteVideo
from vidspec.plan.saved import SavedPlan, listing_fingerprint
from vidspec.state.model import ProviderRef, State


def plan_again(shown: str) -> str:
    """The way out of a stale plan file ``shown``."""
    return f"Make a new plan (vidspec plan -o {shown}), review it, and apply that file."


def check_origin(saved: SavedPlan, provider: ProviderRef, backend: str, *, shown: str) -> None:
    """The plan was made for this project's ``provider`` and state ``backend``."""
    if saved.provider != provider:
        raise StalePlan(
            f"{shown} was planned for {saved.provider}; this project uses {provider}.",
            plan_again(shown),
        )
    if saved.backend is not None and saved.backend != backend:
        raise StalePlan(
            f"{shown} was planned against the state in {saved.backend}; this project's state "
            f"is now in {backend}.",
            plan_again(shown),
        )


def check_state(saved: SavedPlan, state: State, *, shown: str, location: str) -> None:
    """The state (stored at ``location``) is the one the plan was made against."""
    if saved.lineage is None:
        if state.serial != 0:
            raise StalePlan(
                f"{shown} was planned before any state existed; {location} has been written "
                f"since (serial {state.serial}).",
                plan_again(shown),
            )
    elif state.lineage != saved.lineage or state.serial != saved.serial:
        what = (
            f"serial {saved.serial} then, {state.serial} now"
            if state.lineage == saved.lineage
            else f"lineage {saved.lineage} then, {state.lineage} now"
        )
        raise StalePlan(
            f"{shown} is stale: the state changed since it was planned ({what}).",
            plan_again(shown),
        )


def check_listing(saved: SavedPlan, remote: Sequence[RemoteVideo], *, shown: str) -> None:
    """The account's videos are those the plan saw."""
    if (
        saved.remote_fingerprint is not None
        and listing_fingerprint(remote) != saved.remote_fingerprint
    ):
        raise StalePlan(
            f"{shown} is stale: the videos in the account changed since it was planned "
            f"(created, renamed, deleted or finished outside this plan).",
            plan_again(shown),
        )


__all__ = ["check_listing", "check_origin", "check_state", "plan_again"]
