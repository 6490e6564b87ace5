"""Where the state lives, as values: ``state: {backend: s3, bucket, key, region,
endpoint_url}`` of vidspec.yaml (``S3State``) and the names vidspec writes beside a local
state file (``JOURNAL_SUFFIX``).

Read by ``vidspec.project.config`` (which validates them with the project schema) and used by
the state stores; on the ground floor because the project and the state are siblings.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.core.location import SourceLocation

JOURNAL_SUFFIX = ".journal"  # state.json.journal: the longest name beside the state file


@dataclass(frozen=True)
class S3State:
    """``state: {backend: s3, ...}``: the state object ``key`` in ``bucket`` of an S3-compatible
    store. No credentials here: boto3 finds them (environment, profile, instance role)."""

    bucket: str
    key: str
    region: str | None = None
    endpoint_url: str | None = None
    location: SourceLocation | None = None  # the `state:` line, for errors about it
    deadline: float = 60.0  # safety.request_deadline: the longest one S3 call may take

    @property
    def url(self) -> str:
        """``s3://bucket/key``: how messages and saved plans name the state."""
        return f"s3://{self.bucket}/{self.key}"

    def describe(self) -> str:
        """The URL plus the endpoint when it is not AWS's own."""
        return self.url if not self.endpoint_url else f"{self.url} at {self.endpoint_url}"


__all__ = ["JOURNAL_SUFFIX", "S3State"]
