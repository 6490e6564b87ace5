"""``vidspec state migrate``: which backend the state moves from (the app layer builds it).

The target is the backend vidspec.yaml names now; the source is ``--from`` (a path, or
``s3://bucket/key``), else the place this project's state was last seen with videos, noted in
``.vidspec/backend.json`` (``vidspec.state.backends.note_state_place``), when that is not the
target; else, when the project now uses S3, the local file; else the S3 backend last opened.
The copy itself, with its lineage checks, is ``vidspec.state.transfer.migrate``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vidspec.core.errors import UsageError
from vidspec.core.statesettings import S3State
from vidspec.project.config import Project
from vidspec.state import LocalStateStore, StateStore
from vidspec.state.backends import noted_backend, noted_place


def migration_source(project: Project, spec: str | None) -> StateStore:
    """The backend the state comes from: ``spec`` (a path, or ``s3://bucket/key``), else the
    one in effect before vidspec.yaml changed: the place noted in ``.vidspec/backend.json``
    when it is not the target, else the local file when the project now uses S3, else the
    S3 backend last opened."""
    if spec is not None and spec.startswith("s3://"):
        bucket, _, key = spec.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise UsageError(f"--from {spec}: write s3://BUCKET/KEY")
        known = noted_backend(project)
        if known is not None and (known.bucket, known.key) == (bucket, key):
            settings = known
        else:
            settings = S3State(bucket=bucket, key=key)  # region, endpoint: AWS_* environment
        return _s3(project, settings)
    if spec is not None:
        path = Path(spec) if Path(spec).is_absolute() else project.root / spec
        return LocalStateStore(replace(project, state_path=path, state_backend=None))
    noted = noted_place(project)
    if isinstance(noted, Path) and noted != project.state_path:
        return LocalStateStore(replace(project, state_path=noted, state_backend=None))
    if isinstance(noted, S3State) and (
        project.state_backend is None or project.state_backend.url != noted.url
    ):
        return _s3(project, noted)
    if project.state_backend is not None:
        return LocalStateStore(replace(project, state_backend=None))
    opened = noted_backend(project)
    if opened is not None:
        return _s3(project, opened)
    raise UsageError(
        "vidspec.yaml names a local state file, and no other place of this project's state "
        "is known from this directory: there is nothing to migrate from.",
        "Name the source: vidspec state migrate --from PATH, or --from s3://BUCKET/KEY "
        "(region and endpoint from AWS_DEFAULT_REGION and AWS_ENDPOINT_URL).",
    )


def _s3(project: Project, settings: S3State) -> StateStore:
    from vidspec.state.s3store import S3StateStore

    return S3StateStore(replace(project, state_backend=settings))


__all__ = ["migration_source"]
