"""``vidspec emulator``: serve an emulated API (CDNvideo by default, or Vidnoz) in the
foreground for users' own CI."""

from __future__ import annotations

import logging
import re
import secrets
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import click

from vidspec.cli.context import global_options
from vidspec.emulator import EmulatorSettings, serve
from vidspec.errors import UsageError
from vidspec.providers.base import Rate

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?|\.\d+)?\s*(ms|s|m|min|h)?\s*")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, None: 1.0}


class RateType(click.ParamType[Rate]):
    """``10/60s``, ``10/1m``, ``10/s``: calls per window."""

    name = "N/WINDOW"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Rate:
        if isinstance(value, Rate):
            return value
        match = _RATE.fullmatch(str(value))
        if match is None or (match.group(2) is None and match.group(3) is None):
            self.fail(f"{value!r} is not a rate; write it as N/WINDOW, e.g. 10/60s or 10/1m.")
        count = int(match.group(1))
        seconds = float(match.group(2) or 1) * _UNIT_SECONDS[match.group(3)]
        if count < 1 or seconds <= 0:
            self.fail(f"{value!r} must allow at least 1 call in a window longer than 0.")
        return Rate(count, seconds)


class _Stop(Exception):
    """Raised by the SIGTERM handler to leave the serving loop like Ctrl-C does."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


_RATE_01 = click.FloatRange(0.0, 1.0)
_SECONDS = click.FloatRange(min=0.0)


@click.command("emulator")
@click.option(
    "--provider",
    type=click.Choice(["cdnvideo", "vidnoz"]),
    default="cdnvideo",
    show_default=True,
    help="The API to serve: CDNvideo Talking Head or Vidnoz API v2.",
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
    help="Keep the videos here between runs (JSON). Default: in memory only.",
)
@click.option(
    "--token",
    "--api-key",
    "token",
    help="The CDN-AUTH-TOKEN (CDNvideo) or API key (Vidnoz) to accept. "
    "Default: a new one, printed.",
)
@click.option(
    "--account", help="CDNvideo: answer only for this account name. Default: any account."
)
@click.option(
    "--username", default="user", show_default=True, help="CDNvideo: username the login accepts."
)
@click.option(
    "--password",
    default="secret",
    show_default=True,
    help="CDNvideo: password the login accepts (a made-up one, not a secret).",
)
@click.option(
    "--post-limit",
    type=RateType(),
    default="10/60s",
    show_default=True,
    help="CDNvideo: generation requests (POST) allowed per window; more get 429.",
)
@click.option(
    "--monthly-requests",
    type=click.IntRange(min=1),
    default=1500,
    show_default=True,
    help="CDNvideo: requests allowed per calendar month.",
)
@click.option(
    "--fail-rate",
    type=_RATE_01,
    default=0.0,
    show_default=True,
    help="Share of API calls answered 500/503 before any work.",
)
@click.option(
    "--lose-response-rate",
    type=_RATE_01,
    default=0.0,
    show_default=True,
    help="Share of creates whose answer is lost (500 or dropped) after the work.",
)
@click.option(
    "--slow-seconds",
    type=_SECONDS,
    default=0.0,
    show_default=True,
    help="Latency added to every answer.",
)
@click.option(
    "--queue-seconds",
    type=_SECONDS,
    default=1.0,
    show_default=True,
    help="How long a task waits in the queue.",
)
@click.option(
    "--processing-seconds",
    type=_SECONDS,
    default=4.0,
    show_default=True,
    help="How long a task is processed after the queue.",
)
@click.option(
    "--list-in-progress",
    is_flag=True,
    help="CDNvideo: list queued and processing tasks in GET /videos too.",
)
@click.option(
    "--request-limit",
    type=RateType(),
    default="1/1s",
    show_default=True,
    help="Vidnoz: API calls allowed per window (every call counts); more get code 803.",
)
@click.option(
    "--credits-left",
    type=click.FloatRange(min=0.0),
    default=600.0,
    show_default=True,
    help="Vidnoz: credits the account starts with (a video costs 4 a minute).",
)
@click.option("--seed", type=int, help="Seed for fault injection (reproducible runs).")
@click.option("--quiet", is_flag=True, help="Do not log requests on stderr.")
@click.pass_context
def command(
    ctx: click.Context,
    provider: str,
    port: int,
    host: str,
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
    quiet: bool,
) -> int:
    """Serve the CDNvideo Talking Head API (or, with --provider vidnoz, the Vidnoz API v2) on
    HOST:PORT until Ctrl-C.

    Point a vidspec project (provider.base_url) or curl at the printed base URL; send the
    printed token as the CDN-AUTH-TOKEN header (CDNvideo), or as
    "Authorization: Bearer <api_key>" (Vidnoz).
    """
    options = global_options(ctx)
    if data_dir is not None and not data_dir.is_absolute():
        data_dir = options.directory / data_dir
    if account is not None and (not account or "/" in account):
        raise click.BadParameter("must be a name without '/'", param_hint="--account")
    if token is not None and not token.strip():
        raise click.BadParameter("must not be empty", param_hint="--token")
    try:
        settings = EmulatorSettings(
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
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not quiet and options.verbose == 0:
        _log_requests()
    try:
        server = serve(settings, host=host, port=port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            "Pick another port with --port (or --port 0 for a free one).",
        ) from exc
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        if provider == "vidnoz":
            click.echo("vidspec emulator: Vidnoz API v2")
            click.echo(f"base_url: {server.base_url}")
            click.echo(f"api_key: {settings.token}")
            click.echo(f"credits: {credits_left:g}")
        else:
            click.echo("vidspec emulator: CDNvideo Talking Head API")
            click.echo(f"base_url: {server.base_url}")
            click.echo(f"token: {settings.token}")
            click.echo(f"account: {account or 'any'}")
            click.echo(f"login: POST {server.root_url}/app/oauth/v1/token/ (username={username})")
        click.echo("Press Ctrl-C to stop.")
        server.wait()
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
    click.echo("vidspec emulator: stopped", err=True)
    return 0


def _log_requests() -> None:
    logger = logging.getLogger("vidspec.emulator")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("emulator: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
