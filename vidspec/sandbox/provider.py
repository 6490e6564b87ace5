"""The sandbox: vidspec's default provider, offline. CDNvideo's client against a local emulator.

``provider.kind: sandbox`` (or no ``provider`` at all) starts the CDNvideo emulator in-process
on a free loopback port, keeping its videos in ``.vidspec/sandbox/`` between commands, and
drives it with the very same ``CdnvideoProvider`` a real account gets. Videos take seconds,
not minutes; the limits are the real service's unless ``provider.options`` shrink them:

    provider:
      kind: sandbox
      options: {queue_seconds: 0.5, processing_seconds: 2, post_limit: 10/60s,
                monthly_requests: 1500, list_in_progress: false,
                fail_rate: 0, lose_response_rate: 0, lock_timeout: 10}

The emulator reads its world once (and journals each change: ``vidspec.emulator.common.store``),
so a project's sandbox serves one command at a time: the provider holds
``.vidspec/sandbox/lock`` from ``open`` to ``close``, and another command waits for it up to
``lock_timeout`` seconds, then fails naming the holder.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidspec.core.clock import Clock
from vidspec.core.errors import ProjectError
from vidspec.core.lock import ProjectLock
from vidspec.core.rate import Rate, parse_rate
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.store import lock_data_dir
from vidspec.http.client import HttpPolicy
from vidspec.providers.cdnvideo.api import capabilities
from vidspec.providers.cdnvideo.provider import CdnvideoProvider
from vidspec.providers.plugin import OpenContext, ProviderSettings

SANDBOX_TOKEN = "vidspec-sandbox"  # a fixed local token: the sandbox guards nothing
SANDBOX_ACCOUNT = "sandbox"


@dataclass(frozen=True)
class SandboxOptions:
    """``provider.options`` of a sandbox project, with the defaults."""

    queue_seconds: float = 0.5
    processing_seconds: float = 2.0
    post_limit: Rate = Rate(10, 60.0)  # noqa: RUF009 - Rate is frozen
    monthly_requests: int = 1500
    list_in_progress: bool = False
    fail_rate: float = 0.0
    lose_response_rate: float = 0.0
    lock_timeout: float = 10.0

    @classmethod
    def parse(cls, options: Mapping[str, Any], where: str) -> SandboxOptions:
        """Read ``provider.options``; every bad value is reported at once."""
        readers: dict[str, Callable[[Any], Any]] = {
            "queue_seconds": _seconds,
            "processing_seconds": _seconds,
            "post_limit": parse_rate,
            "monthly_requests": _count,
            "list_in_progress": _flag,
            "fail_rate": _share,
            "lose_response_rate": _share,
            "lock_timeout": _seconds,
        }
        values: dict[str, Any] = {}
        problems: list[str] = []
        for key, raw in options.items():
            reader = readers.get(key)
            if reader is None:
                problems.append(f"unknown option {key!r} (known: {', '.join(sorted(readers))})")
                continue
            try:
                values[key] = reader(raw)
            except ValueError as exc:
                problems.append(f"option {key}: {exc}")
        if problems:
            raise ProjectError(
                f"{where}provider.options of the sandbox: " + "; ".join(problems),
                "Fix or remove these options in vidspec.yaml.",
            )
        return cls(**values)


def command_line() -> str:
    """This process's command line, for the lock note (vidspec takes no secret as an
    argument; ``vidspec emulator``'s made-up token never reaches a sandbox)."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "-"
    if program == "__main__.py":  # python -m vidspec
        program = "vidspec"
    elif program in ("-", "-c"):  # python reading a script from stdin or -c
        program = "python"
    line = " ".join([program, *sys.argv[1:]])
    return line if len(line) <= 200 else line[:197] + "..."


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number of seconds")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{value!r} must be 0 or more seconds")
    return float(value)


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} must be a number between 0 and 1")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} must be a whole number of at least 1")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} must be true or false")
    return value


class SandboxProvider(CdnvideoProvider):
    """``CdnvideoProvider`` bound to an emulator it started on the project's sandbox data,
    which it holds locked; ``close()`` stops the emulator and releases the lock."""

    def __init__(
        self,
        server: EmulatorServer,
        options: SandboxOptions,
        clock: Clock,
        data_lock: ProjectLock | None = None,
        policy: HttpPolicy | None = None,
        generation_rate: Rate | None = None,
    ) -> None:
        generation_rate = generation_rate or options.post_limit
        self.server = server
        self._data_lock = data_lock
        try:
            super().__init__(
                account=SANDBOX_ACCOUNT,
                base_url=server.base_url,
                token=SANDBOX_TOKEN,
                clock=clock,
                # Loopback: no proxy; a local answer that does not come in 5 s never will.
                policy=dataclasses.replace(
                    policy or HttpPolicy(), connect_timeout=5.0, read_timeout=30.0
                ),
                capabilities=capabilities(
                    "sandbox",
                    "sandbox (local CDNvideo emulator)",
                    generation_rate=generation_rate,
                    monthly_requests=options.monthly_requests,
                    generation_seconds=options.queue_seconds + options.processing_seconds,
                ),
                trust_env=False,
            )
        except BaseException:
            self._stop()
            raise

    @classmethod
    def open(cls, settings: ProviderSettings, context: OpenContext) -> SandboxProvider:
        """Start the project's sandbox (its data in ``.vidspec/sandbox/``)."""
        options = SandboxOptions.parse(settings.values.get("options") or {}, settings.where)
        clock = context.clock
        data_dir = context.work_dir / "sandbox"
        emulator = EmulatorSettings(
            provider="cdnvideo",
            token=SANDBOX_TOKEN,
            account=SANDBOX_ACCOUNT,
            post_limit=options.post_limit,
            monthly_requests=options.monthly_requests,
            queue_seconds=options.queue_seconds,
            processing_seconds=options.processing_seconds,
            list_in_progress=options.list_in_progress,
            fail_rate=options.fail_rate,
            lose_response_rate=options.lose_response_rate,
            data_dir=data_dir,
        )
        rate = context.generation_rate(settings, options.post_limit, "the sandbox")
        data_lock = lock_data_dir(
            data_dir,
            command=command_line(),
            timeout=options.lock_timeout,
            clock=clock,
            hint="A project's sandbox serves one vidspec command at a time. Wait for that "
            "command to finish, then run this one again; to wait longer, set "
            "provider.options.lock_timeout (seconds) in vidspec.yaml.",
        )
        try:
            server = serve(emulator, clock=clock)
        except BaseException:
            data_lock.release()
            raise
        return cls(server, options, clock, data_lock, context.policy, rate)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._stop()

    def _stop(self) -> None:
        try:
            self.server.close()
        finally:
            if self._data_lock is not None:
                self._data_lock.release()

    def __repr__(self) -> str:
        return f"SandboxProvider({self.server.base_url!r})"
