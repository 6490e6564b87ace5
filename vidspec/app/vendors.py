"""``kind: heygen`` and ``kind: synthesia``: their clients built from ``provider:`` of
vidspec.yaml (issue 23). Called by ``vidspec.app.providers.open_provider``; kept apart so the
plugin registry (issue 22) can take each function as its kind's factory as it stands.

- ``api_key: env/NAME`` (required), ``base_url`` (an emulator's, or the vendor's default).
- ``rate_limit`` lowers the binding window (Synthesia's 60 a minute, HeyGen's [vidspec] pace);
  the other windows and the cap on videos generating at once still hold.
- ``options``: Synthesia's ``tier`` (``"3"``, Creator, by default; ``"2"``, ``"1"``: the
  Enterprise tiers' windows [doc RL]); HeyGen's ``concurrency`` (videos generating at once:
  10 on pay-as-you-go [doc LIM]; Enterprise accounts have more by contract).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from vidspec.core.clock import Clock
from vidspec.core.errors import ProjectError
from vidspec.project.config import ProviderConfig
from vidspec.project.rates import lowered
from vidspec.providers.base import Capabilities
from vidspec.providers.heygen.api import CAPABILITIES as HEYGEN
from vidspec.providers.heygen.provider import HeygenProvider
from vidspec.providers.http.client import HttpPolicy
from vidspec.providers.synthesia.api import CAPABILITIES as SYNTHESIA
from vidspec.providers.synthesia.api import TIERS
from vidspec.providers.synthesia.provider import SynthesiaProvider

__all__ = ["VENDOR_CAPABILITIES", "heygen_from_config", "synthesia_from_config"]

VENDOR_CAPABILITIES: Mapping[str, Capabilities] = {"heygen": HEYGEN, "synthesia": SYNTHESIA}
_KNOWN_OPTIONS = {"heygen": ("concurrency",), "synthesia": ("tier",)}


def _where(config: ProviderConfig) -> str:
    return f"{config.location}: " if config.location else ""


def _key(config: ProviderConfig, environ: Mapping[str, str], variable: str) -> str:
    if config.api_key is None:
        raise ProjectError(
            f"{_where(config)}the {config.kind} provider needs provider.api_key",
            f"Set provider.api_key: env/{variable} and export {variable}.",
        )
    unknown = sorted(set(config.options) - set(_KNOWN_OPTIONS[config.kind]))
    if unknown:
        raise ProjectError(
            f"{_where(config)}provider.options.{unknown[0]} is not a {config.kind} setting",
            f"The {config.kind} options are: {', '.join(_KNOWN_OPTIONS[config.kind])}.",
        )
    return config.api_key.resolve(environ)


def synthesia_from_config(
    config: ProviderConfig,
    *,
    environ: Mapping[str, str],
    clock: Clock | None = None,
    policy: HttpPolicy | None = None,
) -> SynthesiaProvider:
    """The Synthesia client of ``provider:`` (its tier's windows, ``rate_limit`` applied)."""
    api_key = _key(config, environ, "SYNTHESIA_API_KEY")
    tier = str(config.options.get("tier", "3"))
    if tier not in TIERS:
        raise ProjectError(
            f"{_where(config)}provider.options.tier {tier!r} is not a Synthesia tier",
            f"Use one of: {', '.join(sorted(TIERS))} ('3' is Creator; '2' and '1' Enterprise).",
        )
    limits = TIERS[tier]
    rate = lowered(
        config.rate_limit, limits.binding_write, service_name="Synthesia", where=_where(config)
    )
    caps = dataclasses.replace(
        SYNTHESIA, generation_rate=rate, generation_windows=limits.other_writes
    )
    return SynthesiaProvider(
        api_key=api_key,
        base_url=config.base_url,
        clock=clock,
        policy=policy,
        capabilities=caps,
        limits=limits,
    )


def heygen_from_config(
    config: ProviderConfig,
    *,
    environ: Mapping[str, str],
    clock: Clock | None = None,
    policy: HttpPolicy | None = None,
) -> HeygenProvider:
    """The HeyGen client of ``provider:`` (its cap on videos generating at once)."""
    api_key = _key(config, environ, "HEYGEN_API_KEY")
    concurrency = config.options.get("concurrency", HEYGEN.concurrency)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ProjectError(
            f"{_where(config)}provider.options.concurrency must be a whole number of at "
            f"least 1, not {concurrency!r}",
            "Write the videos your HeyGen plan lets generate at once (10 on pay-as-you-go).",
        )
    rate = lowered(
        config.rate_limit, HEYGEN.generation_rate, service_name="HeyGen", where=_where(config)
    )
    caps = dataclasses.replace(HEYGEN, generation_rate=rate, concurrency=concurrency)
    return HeygenProvider(
        api_key=api_key, base_url=config.base_url, clock=clock, policy=policy, capabilities=caps
    )
