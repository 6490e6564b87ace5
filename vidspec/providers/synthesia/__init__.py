"""The Synthesia API v2 client: ``provider`` (``SynthesiaProvider``), ``api`` (its one table of
constants, ``LIMITS``, ``CAPABILITIES``), ``wire`` (the answers read), ``catalog`` (the
templates), ``windows`` (every limit's window, paced)."""

from vidspec.providers.synthesia.provider import SynthesiaProvider

__all__ = ["SynthesiaProvider"]
