"""Vidnoz's API: ``provider`` (the client), ``api`` (its constants), ``catalog``, ``wire``
(the request and answer forms), ``errors``, ``pacing``."""

from __future__ import annotations

from vidspec.providers.vidnoz.provider import VidnozProvider

__all__ = ["VidnozProvider"]
