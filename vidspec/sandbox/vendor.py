"""``provider: {kind: sandbox, emulate: heygen|synthesia}``: the sandbox runs any service that
ships an emulator (issue 23), in-process like the CDNvideo one (``vidspec.sandbox.provider``): the
emulator on a free loopback port over the project's ``.vidspec/sandbox/<service>/`` data,
locked for the command, driven by that service's own client. Videos take seconds; the
service's own limits hold (Synthesia's windows, HeyGen's 10 generating at once), and the
manifests hold its request fields.

``provider.options``: ``queue_seconds``, ``processing_seconds``, ``fail_rate``,
``lose_response_rate``, ``lock_timeout`` as for the CDNvideo sandbox (its ``post_limit``,
``monthly_requests`` and ``list_in_progress`` are CDNvideo's and refused here).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vidspec.core.clock import Clock
from vidspec.core.errors import ProjectError
from vidspec.core.lock import ProjectLock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.store import lock_data_dir
from vidspec.http.client import HttpPolicy
from vidspec.providers.base import Provider
from vidspec.providers.heygen.provider import HeygenProvider
from vidspec.providers.plugin import OpenContext, ProviderSettings
from vidspec.providers.synthesia.provider import SynthesiaProvider
from vidspec.sandbox.provider import SandboxOptions, command_line

SANDBOX_KEY = "vidspec-sandbox"  # a fixed local key: the sandbox guards nothing
_CDNVIDEO_ONLY = ("post_limit", "monthly_requests", "list_in_progress")


class _Sandboxed:
    """Mixed into a vendor's client: ``close()`` also stops its emulator and frees its data."""

    server: EmulatorServer
    data_lock: ProjectLock

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            try:
                self.server.close()
            finally:
                self.data_lock.release()


class SandboxSynthesia(_Sandboxed, SynthesiaProvider):
    """The Synthesia client bound to the sandbox's Synthesia emulator."""


class SandboxHeygen(_Sandboxed, HeygenProvider):
    """The HeyGen client bound to the sandbox's HeyGen emulator."""


def open_vendor_sandbox(service: str, settings: ProviderSettings, context: OpenContext) -> Provider:
    """Start the project's sandbox of ``service`` (heygen or synthesia) and its client."""
    where = settings.where
    written = settings.values.get("options") or {}
    given = {k: v for k, v in written.items() if k not in _CDNVIDEO_ONLY}
    refused = sorted(set(written) - set(given))
    if refused:
        raise ProjectError(
            f"{where}provider.options.{refused[0]} is the CDNvideo sandbox's; the {service} "
            "sandbox keeps the service's own limits",
            "Remove it from provider.options in vidspec.yaml.",
        )
    options = SandboxOptions.parse(given, where)
    clock, policy = context.clock, context.policy
    data = context.work_dir / "sandbox" / service
    emulator = EmulatorSettings(
        provider=service,
        token=SANDBOX_KEY,
        queue_seconds=options.queue_seconds,
        processing_seconds=options.processing_seconds,
        fail_rate=options.fail_rate,
        lose_response_rate=options.lose_response_rate,
        data_dir=data,
    )
    data_lock = lock_data_dir(
        data,
        command=command_line(),
        timeout=options.lock_timeout,
        clock=clock,
        hint="A project's sandbox serves one vidspec command at a time. Wait for that command "
        "to finish, then run this one again.",
    )
    try:
        server = serve(emulator, clock=clock)
    except BaseException:
        data_lock.release()
        raise
    try:
        client = _client(service, server, clock, policy)
    except BaseException:
        server.close()
        data_lock.release()
        raise
    client.server, client.data_lock = server, data_lock
    return client


def _client(
    service: str, server: EmulatorServer, clock: Clock, policy: HttpPolicy | None
) -> SandboxSynthesia | SandboxHeygen:
    # loopback: no proxy; a local answer that does not come in 5 s never will
    local = dataclasses.replace(policy or HttpPolicy(), connect_timeout=5.0, read_timeout=30.0)
    common: dict[str, Any] = {
        "api_key": SANDBOX_KEY,
        "base_url": server.root_url,
        "clock": clock,
        "policy": local,
        "trust_env": False,
    }
    if service == "synthesia":
        return SandboxSynthesia(**common)
    return SandboxHeygen(**common)
