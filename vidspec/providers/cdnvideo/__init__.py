"""CDNvideo's talking-head API: ``provider`` (the client), ``api`` (its constants),
``catalog`` and ``checks`` (the catalog and the spec checks against it), ``listing``."""

from __future__ import annotations

from vidspec.providers.cdnvideo.provider import CdnvideoProvider

__all__ = ["CdnvideoProvider"]
