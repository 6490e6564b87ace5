"""The Synthesia API v2 client: ``provider`` (``SynthesiaProvider``), ``api`` (its one table of
constants, ``LIMITS``, ``CAPABILITIES``), ``wire`` (the answers read), ``errors`` (refusals,
ids in paths), ``catalog`` (the templates), ``windows`` (every limit's window, paced)."""

from vidspec.providers.synthesia.provider import SynthesiaProvider

__all__ = ["SynthesiaProvider"]
