"""A state left behind by a change of ``state:``: ``plan`` and ``apply`` refuse until it moves.

After vidspec.yaml's ``state:`` changes (the local file to S3, S3 back to a file, one bucket or
key to another) the backend it names is empty while the state, with every paid video, is still
at the old place: a plan would generate everything again (Terraform's ``init`` refuses until
the state is migrated). So when the configured state holds no video and no pending record,
the places vidspec knows are looked at: the local default path (``.vidspec/state.json``) and
the place noted in ``.vidspec/backend.json`` (``vidspec.state.backends.note_state_place``:
the backend a plan or apply last found a state with videos in). One holding videos of this
project's provider, and not an older copy of the configured state itself (same lineage, not
newer), stops the plan with the exact ``vidspec state migrate`` command. ``--force`` does not
override it: migrate, or remove the old state (or the note).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vidspec.app.migrate import migration_source
from vidspec.core.errors import StateError, StateMismatch, VidspecError
from vidspec.core.statesettings import S3State
from vidspec.project.config import Project
from vidspec.state import LocalStateStore, State, StateStore
from vidspec.state.backends import note_path, note_state_place, noted_place

__all__ = ["refuse_stranded_state", "remember_state_place"]


def refuse_stranded_state(project: Project, store: StateStore, state: State) -> None:
    """``StateError`` naming the migrate command when ``state`` (read from ``store``, the
    configured backend) is empty and another place vidspec knows holds this project's
    videos."""
    if _holds_videos(state):
        return
    for other, removal in _other_places(project, store):
        try:
            if not other.exists():
                continue
            found = other.load()
        except StateMismatch:
            continue  # another provider's or account's state: not this project's
        except VidspecError as exc:
            raise StateError(
                f"{store.location} holds no videos, and the state this project had at "
                f"{other.location} cannot be read to see whether it holds them: {exc.message}",
                f"If it does, move it with `{_command(project, other)}`; if it is gone, {removal}.",
            ) from exc
        if not _holds_videos(found) or _older_copy(found, state, store):
            continue
        raise StateError(
            f"{store.location} holds no videos, but {other.location} holds this project's "
            f"state ({len(found.videos)} videos, serial {found.serial}): vidspec.yaml's "
            "`state:` changed and the state was not moved. A plan now would generate every "
            "video again.",
            f"Run `{_command(project, other)}` to move it to {store.location}; or, if that "
            f"state is not wanted any more, {removal}. --force does not override this.",
        )


def remember_state_place(project: Project, store: StateStore, state: State | None = None) -> None:
    """Note the configured backend as the place of this project's state when it holds videos
    (``state``, else read from ``store`` unless the note names it already)."""
    if state is None:
        if _noted_here(project):
            return
        state = store.load()
    if _holds_videos(state):
        note_state_place(project)


def _noted_here(project: Project) -> bool:
    """Whether the note names the backend ``state:`` names now."""
    noted, here = noted_place(project), project.state_backend
    if isinstance(noted, S3State):
        return here is not None and noted.url == here.url
    return here is None and noted == project.state_path


def _holds_videos(state: State) -> bool:
    return bool(state.videos or state.pending)


def _older_copy(found: State, state: State, store: StateStore) -> bool:
    """``found`` is this very state as it was before (migrated from there, then emptied
    here, by deletes or destroy): same lineage, and not newer."""
    return store.exists() and found.lineage == state.lineage and found.serial <= state.serial


def _other_places(project: Project, store: StateStore) -> list[tuple[StateStore, str]]:
    """The stores at the places vidspec knows, but the configured one, each with how to
    remove it; the noted place first (the newest knowledge)."""
    places: list[tuple[StateStore, str]] = []
    noted = noted_place(project)
    if isinstance(noted, S3State):
        from vidspec.state.s3store import S3StateStore

        note = _shown(project, note_path(project))
        removal = f"delete {note} (vidspec then forgets that place)"
        places.append((S3StateStore(replace(project, state_backend=noted)), removal))
    elif isinstance(noted, Path) and not _configured_file(project, noted):
        places.append((_local(project, noted), f"delete {_shown(project, noted)}"))
    default = project.root / Project.state_path
    if not _configured_file(project, default):  # no second store of the command's own file
        places.append((_local(project, default), f"delete {_shown(project, default)}"))
    seen = {store.location}
    kept = []
    for other, removal in places:
        if other.location not in seen:
            seen.add(other.location)
            kept.append((other, removal))
    return kept


def _configured_file(project: Project, path: Path) -> bool:
    return project.state_backend is None and path == project.state_path


def _local(project: Project, path: Path) -> StateStore:
    return LocalStateStore(replace(project, state_path=path, state_backend=None))


def _command(project: Project, other: StateStore) -> str:
    """``vidspec state migrate``, with ``--from`` unless ``other`` is its default source."""
    try:
        default = migration_source(project, None).location
    except VidspecError:
        default = None
    if default == other.location:
        return "vidspec state migrate"
    if isinstance(other, LocalStateStore):
        return f"vidspec state migrate --from {_shown(project, other.path)}"
    return f"vidspec state migrate --from {other.location}"


def _shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return str(path)
