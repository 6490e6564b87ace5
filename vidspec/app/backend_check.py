"""The flow of ``vidspec backend check``: probe the state backend vidspec.yaml names (the local
directory, or the S3 bucket) for what vidspec's lock and writes rely on
(``vidspec.state.probe``)."""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.project.config import Project
from vidspec.state.probe import Finding, check_local, check_s3

__all__ = ["BackendCheck", "Finding", "check_backend"]


@dataclass(frozen=True)
class BackendCheck:
    """What was probed (``describe``: the store, as a user names it) and each finding."""

    describe: str
    findings: tuple[Finding, ...]


def check_backend(project: Project) -> BackendCheck:
    """Write, read and delete a probe beside the state, and test the conditional requests."""
    settings = project.state_backend
    if settings is None:
        findings = check_local(project.work_dir)
        return BackendCheck(str(project.state_path), tuple(findings))
    from vidspec.state.s3objects import S3Objects  # boto3: only when the project uses S3

    return BackendCheck(settings.describe(), tuple(check_s3(S3Objects(settings), settings.key)))
