"""The refresh: what a plan (and ``apply FILE``, ``output --refresh``) reads of the service.

The catalog (unless one may be reused) and the whole listing, plus the status of the tasks in
flight that the listing does not show (a service may list a video only once it is generated):
one status call per such task, none when the listing answers for all.
"""

from __future__ import annotations

from collections.abc import Iterable

from vidspec.core.videos import RemoteVideo
from vidspec.providers.base import Catalog, Provider


def read_remote(
    provider: Provider, in_flight: Iterable[str], *, catalog: Catalog | None = None
) -> tuple[Catalog, list[RemoteVideo]]:
    """The catalog (``catalog`` when one may be reused) and the listing, completed by the
    status of each id of ``in_flight`` (managed tasks still generating) it does not show."""
    if catalog is None:
        catalog = provider.catalog()
    remote = provider.list_videos()
    listed = {v.id for v in remote}
    missing = [video_id for video_id in in_flight if video_id not in listed]
    if missing:
        found = provider.status(missing)
        remote += [found[i] for i in missing if i in found]
    return catalog, remote


__all__ = ["read_remote"]
