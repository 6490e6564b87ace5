"""``vidspec state migrate``: which backend the state moves from (the app layer builds it).

The target is the backend vidspec.yaml names now; the source is ``--from`` (a path, or
``s3://bucket/key``), else the one in effect before vidspec.yaml changed: the local file when
the project now uses S3, or the S3 backend noted in ``.vidspec/backend.json`` (written whenever
a command opened it) when the project now uses a local file. The copy itself, with its lineage
checks, is ``vidspec.state.transfer.migrate``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vidspec.core.errors import UsageError
from vidspec.project.config import Project
from vidspec.state import LocalStateStore, StateStore
from vidspec.state.backends import noted_backend
from vidspec.state.s3settings import S3State


def migration_source(project: Project, spec: str | None) -> StateStore:
    """The backend the state comes from: ``spec`` (a path, or ``s3://bucket/key``), else the
    one in effect before vidspec.yaml changed: the local file when the project now uses S3,
    the S3 backend noted in ``.vidspec/backend.json`` when it now uses a local file."""
    if spec is not None and spec.startswith("s3://"):
        bucket, _, key = spec.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise UsageError(f"--from {spec}: write s3://BUCKET/KEY")
        noted = noted_backend(project)
        if noted is not None and (noted.bucket, noted.key) == (bucket, key):
            settings = noted
        else:
            settings = S3State(bucket=bucket, key=key)  # region, endpoint: AWS_* environment
        return _s3(project, settings)
    if spec is not None:
        path = Path(spec) if Path(spec).is_absolute() else project.root / spec
        return LocalStateStore(replace(project, state_path=path, state_backend=None))
    if project.state_backend is not None:
        return LocalStateStore(replace(project, state_backend=None))
    noted = noted_backend(project)
    if noted is None:
        raise UsageError(
            "vidspec.yaml names a local state file, and no S3 backend was used from this "
            "directory before: there is nothing to migrate from.",
            "Name the source: vidspec state migrate --from s3://BUCKET/KEY (region and "
            "endpoint from AWS_DEFAULT_REGION and AWS_ENDPOINT_URL).",
        )
    return _s3(project, noted)


def _s3(project: Project, settings: S3State) -> StateStore:
    from vidspec.state.s3store import S3StateStore

    return S3StateStore(replace(project, state_backend=settings))


__all__ = ["migration_source"]
