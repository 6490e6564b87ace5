"""The HeyGen API v3 client (``provider.HeygenProvider``), its constants table (``api``), the
answers' reading (``wire``), paging, the catalog and the create calls (``creating``)."""

from vidspec.providers.heygen.provider import HeygenProvider

__all__ = ["HeygenProvider"]
