"""``state: {backend: s3, bucket, key, region, endpoint_url}`` of vidspec.yaml, as a value.

Read by ``vidspec.project.config`` (which validates it with the project schema) and used by the
S3 backend (``s3objects``, ``s3store``); it lives in the state layer so both can see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidspec.core.location import SourceLocation


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


__all__ = ["S3State"]
