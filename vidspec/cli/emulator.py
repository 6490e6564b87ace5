"""``vidspec emulator``: serve an emulated API (CDNvideo by default, Vidnoz, HeyGen or
Synthesia) in the foreground for users' own CI."""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import click

from vidspec.cli.context import global_options
from vidspec.core.clock import SystemClock
from vidspec.core.errors import UsageError
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.common.settings import PROVIDERS, WRITE_SCOPES
from vidspec.emulator.common.store import lock_data_dir
from vidspec.emulator.synthesia.limits import TIERS, scaled
from vidspec.providers.base import Rate
from vidspec.state.lock import ProjectLock

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?|\.\d+)?\s*(ms|s|m|min|h)?\s*")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, None: 1.0}


FC = TypeVar("FC", bound=Callable[..., Any])


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
_DEFAULTS = EmulatorSettings()


def _setting(
    flag: str,
    text: str,
    param_type: click.ParamType[Any] | None = None,
    *,
    field: str | None = None,
    multiple: bool = False,
) -> Callable[[FC], FC]:
    """The option for the ``EmulatorSettings`` field of the same name (or ``field``), with its
    default (the emulator's defaults live in one place)."""
    name = field or flag.removeprefix("--").replace("-", "_")
    default = getattr(_DEFAULTS, name)
    return click.option(
        flag,
        name,
        type=param_type,
        default=default,
        show_default=True,
        help=text,
        multiple=multiple,
    )


@click.command("emulator")
@_setting(
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
@_setting("--username", "CDNvideo: username the login accepts.")
@_setting("--password", "CDNvideo: password the login accepts (a made-up one, not a secret).")
@_setting(
    "--post-limit",
    "CDNvideo: generation requests (POST) allowed per window; more get 429.",
    RateType(),
)
@_setting(
    "--monthly-requests",
    "CDNvideo: requests allowed per calendar month.",
    click.IntRange(min=1),
)
@_setting("--fail-rate", "Share of API calls answered 500/503 before any work.", _RATE_01)
@_setting(
    "--lose-response-rate",
    "Share of creates whose answer is lost (500 or dropped) after the work.",
    _RATE_01,
)
@_setting("--slow-seconds", "Latency added to every answer.", _SECONDS)
@_setting("--queue-seconds", "How long a task waits in the queue.", _SECONDS)
@_setting("--processing-seconds", "How long a task is processed after the queue.", _SECONDS)
@click.option(
    "--list-in-progress",
    is_flag=True,
    help="CDNvideo: list queued and processing tasks in GET /videos too.",
)
@_setting(
    "--request-limit",
    "Vidnoz: API calls allowed per window (every call counts); more get code 803.",
    RateType(),
)
@_setting(
    "--credits-left",
    "Vidnoz: credits the account starts with (a video costs 4 a minute).",
    click.FloatRange(min=0.0),
)
@_setting(
    "--max-concurrent",
    "HeyGen: videos pending or processing at once; more creates get 429.",
    click.IntRange(min=1),
    field="heygen_max_concurrent",
)
@_setting(
    "--read-limit",
    "HeyGen: GET calls per window (repeat for several windows); more get 429.",
    RateType(),
    field="heygen_read_limits",
    multiple=True,
)
@_setting(
    "--write-limit",
    "HeyGen: POST and DELETE calls per window (repeatable); more get 429.",
    RateType(),
    field="heygen_write_limits",
    multiple=True,
)
@_setting(
    "--wallet",
    "HeyGen: US dollars the wallet starts with ($0.10 a second of video).",
    click.FloatRange(min=0.0),
    field="heygen_wallet_usd",
)
@_setting(
    "--render-fail-rate",
    "HeyGen, Synthesia: share of videos whose render ends failed (Synthesia: error).",
    _RATE_01,
    field="heygen_render_fail_rate",
)
@click.option(
    "--tier",
    type=click.Choice(sorted(TIERS)),
    default="3",
    show_default=True,
    help="Synthesia: the rate limits of this tier (3 is Creator: writes 60/min, 300/h, "
    "1000/day per endpoint; reads 60/min, 20000/day).",
)
@click.option(
    "--window-scale",
    type=click.FloatRange(min=0.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Synthesia: shorten every limit's window, the test videos' day too (0.01: a minute "
    "lasts 0.6 s, a day 864 s).",
)
@_setting(
    "--write-scope",
    "Synthesia: count writes per endpoint, or shared by every write endpoint.",
    click.Choice(WRITE_SCOPES),
)
@click.option(
    "--test-videos-per-day",
    type=click.IntRange(min=0),
    default=_DEFAULTS.test_video_limit.count,
    show_default=True,
    help="Synthesia: test videos (test: true) allowed a day; more get 429.",
)
@_setting("--link-ttl-seconds", "Synthesia: how long a download link works.", _SECONDS)
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
    settings = _settings(options.directory, **_synthesia_limits(flags))
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


def _synthesia_limits(flags: dict[str, Any]) -> dict[str, Any]:
    """``--tier``, ``--window-scale`` and ``--test-videos-per-day`` as the settings' limits;
    ``--render-fail-rate`` serves both HeyGen and Synthesia."""
    writes, reads = TIERS[flags.pop("tier")]
    scale = flags.pop("window_scale")
    test = Rate(flags.pop("test_videos_per_day"), 86400.0)
    return flags | {
        "write_limits": scaled(writes, scale),
        "read_limits": scaled(reads, scale),
        "test_video_limit": scaled((test,), scale)[0],
        "render_fail_rate": flags["heygen_render_fail_rate"],
    }


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
            held.callback(_lock_data_dir(data_dir).release)
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


def _lock_data_dir(data_dir: Path) -> ProjectLock:
    return lock_data_dir(
        data_dir,
        command="vidspec emulator",
        timeout=0.0,
        clock=SystemClock(),
        hint="One data directory serves one process at a time: stop that process, or serve "
        "another --data-dir.",
    )


def _announce(
    settings: EmulatorSettings,
    server: EmulatorServer,
    credits_left: float,
    account: str | None,
    username: str,
) -> None:
    if settings.provider == "heygen":
        click.echo("vidspec emulator: HeyGen API v3")
        click.echo(f"base_url: {server.base_url}")
        click.echo(f"api_key: {settings.token}  (send it as x-api-key)")
        click.echo(f"wallet: ${settings.heygen_wallet_usd:g}")
        click.echo(f"max_concurrent: {settings.heygen_max_concurrent}")
    elif settings.provider == "synthesia":
        click.echo("vidspec emulator: Synthesia API v2")
        click.echo(f"base_url: {server.base_url}")
        click.echo(f"api_key: {settings.token}")
        click.echo(f"catalog: GET {server.root_url}/_admin/catalog")
    elif settings.provider == "vidnoz":
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


def _log_requests() -> None:
    logger = logging.getLogger("vidspec.emulator")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("emulator: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
