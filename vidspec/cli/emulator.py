"""``vidspec emulator``: serve an emulated API (CDNvideo by default, Vidnoz, HeyGen or
Synthesia) in the foreground for users' own CI."""

from __future__ import annotations

import contextlib
import logging
import secrets
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click

from vidspec.cli.context import global_options
from vidspec.cli.emulator_options import (
    RATE_01,
    SECONDS,
    RateType,
    setting,
    synthesia_limits,
    synthesia_options,
)
from vidspec.core.clock import SystemClock
from vidspec.core.errors import UsageError
from vidspec.core.rate import Rate
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.banner import banner
from vidspec.emulator.common.settings import PROVIDERS
from vidspec.emulator.common.store import lock_data_dir


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the serving loop like Ctrl-C does."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


@click.command("emulator")
@setting(
    "--provider",
    "The API to serve: CDNvideo Talking Head, Vidnoz API v2, HeyGen API v3 or Synthesia API v2.",
    click.Choice(PROVIDERS),
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on; 0 takes a free one (the real port is printed).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the videos here between runs (JSON), for one process at a time. "
    "Default: in memory only.",
)
@click.option(
    "--token",
    "--api-key",
    "token",
    help="The CDN-AUTH-TOKEN (CDNvideo) or API key (Vidnoz, HeyGen, Synthesia) to accept. "
    "Default: a new one, printed.",
)
@click.option(
    "--account", help="CDNvideo: answer only for this account name. Default: any account."
)
@setting("--username", "CDNvideo: username the login accepts.")
@setting("--password", "CDNvideo: password the login accepts (a made-up one, not a secret).")
@setting(
    "--post-limit",
    "CDNvideo: generation requests (POST) allowed per window; more get 429.",
    RateType(),
)
@setting(
    "--monthly-requests",
    "CDNvideo: requests allowed per calendar month.",
    click.IntRange(min=1),
)
@setting("--fail-rate", "Share of API calls answered 500/503 before any work.", RATE_01)
@setting(
    "--lose-response-rate",
    "Share of creates whose answer is lost (500 or dropped) after the work.",
    RATE_01,
)
@setting("--slow-seconds", "Latency added to every answer.", SECONDS)
@setting("--queue-seconds", "How long a task waits in the queue.", SECONDS)
@setting("--processing-seconds", "How long a task is processed after the queue.", SECONDS)
@click.option(
    "--list-in-progress",
    is_flag=True,
    help="CDNvideo: list queued and processing tasks in GET /videos too.",
)
@setting(
    "--request-limit",
    "Vidnoz: API calls allowed per window (every call counts); more get code 803.",
    RateType(),
)
@setting(
    "--credits-left",
    "Vidnoz: credits the account starts with (a video costs 4 a minute).",
    click.FloatRange(min=0.0),
)
@setting(
    "--max-concurrent",
    "HeyGen: videos pending or processing at once; more creates get 429.",
    click.IntRange(min=1),
    field="heygen_max_concurrent",
)
@setting(
    "--read-limit",
    "HeyGen: GET calls per window (repeat for several windows); more get 429.",
    RateType(),
    field="heygen_read_limits",
    multiple=True,
)
@setting(
    "--write-limit",
    "HeyGen: POST and DELETE calls per window (repeatable); more get 429.",
    RateType(),
    field="heygen_write_limits",
    multiple=True,
)
@setting(
    "--wallet",
    "HeyGen: US dollars the wallet starts with ($0.10 a second of video).",
    click.FloatRange(min=0.0),
    field="heygen_wallet_usd",
)
@setting(
    "--render-fail-rate",
    "HeyGen, Synthesia: share of videos whose render ends failed (Synthesia: error).",
    RATE_01,
    field="heygen_render_fail_rate",
)
@synthesia_options
@click.option("--seed", type=int, help="Seed for fault injection (reproducible runs).")
@click.option("--quiet", is_flag=True, help="Do not log requests on stderr.")
@click.pass_context
def command(ctx: click.Context, /, host: str, port: int, quiet: bool, **flags: Any) -> int:
    """Serve the CDNvideo Talking Head API (or, with --provider vidnoz, the Vidnoz API v2) on
    HOST:PORT until Ctrl-C.

    With --provider heygen, it serves the HeyGen API v3; with --provider synthesia, the
    Synthesia API v2. Point a vidspec project (provider.base_url) or curl at the printed base
    URL; send the printed token as the CDN-AUTH-TOKEN header (CDNvideo), as "Authorization:
    Bearer <api_key>" (Vidnoz), as "x-api-key: <api_key>" (HeyGen), or as "Authorization:
    <api_key>" (Synthesia).
    """
    options = global_options(ctx)
    settings = _settings(options.directory, **synthesia_limits(flags))
    if not quiet and options.verbose == 0:
        _log_requests()
    _serve_until_stopped(
        settings,
        host,
        port,
        settings.data_dir,
        flags["credits_left"],
        flags["account"],
        flags["username"],
    )
    click.echo("vidspec emulator: stopped", err=True)
    return 0


def _settings(
    directory: Path,
    *,
    provider: str,
    data_dir: Path | None,
    token: str | None,
    account: str | None,
    username: str,
    password: str,
    post_limit: Rate,
    monthly_requests: int,
    fail_rate: float,
    lose_response_rate: float,
    slow_seconds: float,
    queue_seconds: float,
    processing_seconds: float,
    list_in_progress: bool,
    request_limit: Rate,
    credits_left: float,
    seed: int | None,
    **services: Any,
) -> EmulatorSettings:
    """The emulator's settings from the command line's options (``UsageError`` if invalid)."""
    if data_dir is not None and not data_dir.is_absolute():
        data_dir = directory / data_dir
    if account is not None and (not account or "/" in account):
        raise click.BadParameter("must be a name without '/'", param_hint="--account")
    if token is not None and not token.strip():
        raise click.BadParameter("must not be empty", param_hint="--token")
    try:
        return EmulatorSettings(
            provider=provider,
            token=token or "emu_" + secrets.token_hex(16),
            account=account,
            username=username,
            password=password,
            post_limit=post_limit,
            monthly_requests=monthly_requests,
            fail_rate=fail_rate,
            lose_response_rate=lose_response_rate,
            slow_seconds=slow_seconds,
            queue_seconds=queue_seconds,
            processing_seconds=processing_seconds,
            list_in_progress=list_in_progress,
            request_limit=request_limit,
            credits_left=credits_left,
            seed=seed,
            data_dir=data_dir,
            **services,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _serve_until_stopped(
    settings: EmulatorSettings,
    host: str,
    port: int,
    data_dir: Path | None,
    credits_left: float,
    account: str | None,
    username: str,
) -> None:
    with contextlib.ExitStack() as held:  # unwinds: signal handler, server, data lock
        if data_dir is not None:
            held.callback(_lock_data_dir(data_dir))
        try:
            server = serve(settings, host=host, port=port)
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                "Pick another port with --port (or --port 0 for a free one).",
            ) from exc
        held.callback(server.close)
        # Ctrl-C and SIGTERM stop it, also when started from a script in the background,
        # whose children inherit an ignored SIGINT (Python then never raises KeyboardInterrupt).
        for signum in (signal.SIGINT, signal.SIGTERM):
            held.callback(signal.signal, signum, signal.signal(signum, _raise_stop))
        try:
            _announce(settings, server, credits_left, account, username)
            server.wait()
        except (KeyboardInterrupt, _Stop):
            pass


def _lock_data_dir(data_dir: Path) -> Callable[[], None]:
    """Lock ``data_dir`` for this process; returns how to release it."""
    held = lock_data_dir(
        data_dir,
        command="vidspec emulator",
        timeout=0.0,
        clock=SystemClock(),
        hint="One data directory serves one process at a time: stop that process, or serve "
        "another --data-dir.",
    )
    return held.release


def _announce(
    settings: EmulatorSettings,
    server: EmulatorServer,
    credits_left: float,
    account: str | None,
    username: str,
) -> None:
    for line in banner(settings, server, credits_left, account, username):
        click.echo(line)
    click.echo("Press Ctrl-C to stop.")


def _log_requests() -> None:
    logger = logging.getLogger("vidspec.emulator")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("emulator: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
