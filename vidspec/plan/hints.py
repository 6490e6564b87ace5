"""Hints that save a paid video: plan warnings that name the free way to the same result. Pure.

- ``moved_hints``: a video removed at one address and created, with the same request body, at
  another is usually a renamed address without its ``moved:`` entry; the hint prints the
  exact block that turns the delete and the create into a free move.
- ``import_hints``: a create whose name and settings match a video in the account that
  vidspec does not manage (after ``state rm``, or a lost state) would pay for that video
  again; the hint suggests ``vidspec import --match``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from vidspec.core.addresses import natural_key
from vidspec.core.videos import RemoteVideo, TaskState
from vidspec.plan.actions import Action, Create, Delete, Forget
from vidspec.plan.drift import same_video
from vidspec.providers.base import Capabilities
from vidspec.state.model import State

__all__ = ["import_hints", "moved_hints"]


def moved_hints(actions: Sequence[Action], state: State, *, can_delete: bool) -> list[str]:
    """One hint per (removed, created) pair of addresses with the same request body, paired
    one to one in address order."""
    removed: dict[str, str] = {}  # address -> its applied spec hash
    for action in actions:
        gone = isinstance(action, Forget) and action.reason.startswith("already gone")
        if isinstance(action, (Delete, Forget)) and not action.superseded and not gone:
            record = state.videos.get(action.address)
            if record is not None and record.id == action.video_id:
                removed[action.address] = record.spec_hash
    verb = "deleted" if can_delete else "forgotten"
    hints = []
    creates = sorted(
        (a for a in actions if isinstance(a, Create) and a.address not in state.videos),
        key=lambda a: natural_key(a.address),
    )
    for create in creates:
        old = next(
            (a for a in sorted(removed, key=natural_key) if removed[a] == create.spec_hash), None
        )
        if old is None:
            continue
        del removed[old]
        hints.append(
            f"{create.address} is created and {old} {verb} with the same settings: the same "
            f"video paid for again. If only its address changed, add this to a manifest (or "
            f"the entry to its moved: list) and the change is a free move: "
            f"moved: [{{from: {old}, to: {create.address}}}]"
        )
    return hints


def import_hints(
    actions: Sequence[Action],
    remote: Sequence[RemoteVideo] | None,
    claimed: Collection[str],
    caps: Capabilities,
) -> list[str]:
    """One hint per create that an unmanaged remote video matches (same name and settings)."""
    if not remote:
        return []
    unmanaged = [
        v
        for v in remote
        if v.id not in claimed and v.state not in (TaskState.FAILED, TaskState.CANCELED)
    ]
    hints = []
    for action in actions:
        if not isinstance(action, Create):
            continue
        found = [v.id for v in unmanaged if same_video(v, action.spec, caps)]
        if not found:
            continue
        ids = ", ".join(sorted(found))
        noun = "video" if len(found) == 1 else "videos"
        hints.append(
            f"{action.address} is created, but the account holds an unmanaged {noun} with the "
            f"same name and settings ({ids}): if it is this one (after `vidspec state rm` or "
            f"a lost state), take it back instead of paying again: vidspec import --match"
        )
    return hints
