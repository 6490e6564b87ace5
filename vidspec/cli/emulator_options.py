"""The options of ``vidspec emulator`` that are more than a flag: rates (``N/WINDOW``), options
read from ``EmulatorSettings`` with their defaults, and the options of one vendor grouped
(``synthesia_options``), so that ``cli/emulator.py`` stays the command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from vidspec.core.rate import Rate, parse_rate
from vidspec.emulator import EmulatorSettings
from vidspec.emulator.common.settings import WRITE_SCOPES
from vidspec.emulator.synthesia.limits import TIERS, scaled

FC = TypeVar("FC", bound=Callable[..., Any])


class RateType(click.ParamType[Rate]):
    """``10/60s``, ``10/1m``, ``10/s``: calls per window."""

    name = "N/WINDOW"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Rate:
        if isinstance(value, Rate):
            return value
        try:
            return parse_rate(str(value))
        except ValueError as exc:
            self.fail(f"{exc}.")


RATE_01 = click.FloatRange(0.0, 1.0)
SECONDS = click.FloatRange(min=0.0)
DEFAULTS = EmulatorSettings()


def setting(
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
    default = getattr(DEFAULTS, name)
    return click.option(
        flag,
        name,
        type=param_type,
        default=default,
        show_default=True,
        help=text,
        multiple=multiple,
    )


def synthesia_options(command: FC) -> FC:
    """Synthesia's options: its tier's windows, scaled; the write scope; test videos; links."""
    options = [
        click.option(
            "--tier",
            type=click.Choice(sorted(TIERS)),
            default="3",
            show_default=True,
            help="Synthesia: the rate limits of this tier (3 is Creator: writes 60/min, 300/h, "
            "1000/day per endpoint; reads 60/min, 20000/day).",
        ),
        click.option(
            "--window-scale",
            type=click.FloatRange(min=0.0, min_open=True),
            default=1.0,
            show_default=True,
            help="Synthesia: shorten every limit's window, the test videos' day too (0.01: a "
            "minute lasts 0.6 s, a day 864 s).",
        ),
        setting(
            "--write-scope",
            "Synthesia: count writes per endpoint, or shared by every write endpoint.",
            click.Choice(WRITE_SCOPES),
            field="synthesia_write_scope",
        ),
        click.option(
            "--test-videos-per-day",
            type=click.IntRange(min=0),
            default=DEFAULTS.synthesia_test_video_limit.count,
            show_default=True,
            help="Synthesia: test videos (test: true) allowed a day; more get 429.",
        ),
        setting(
            "--link-ttl-seconds",
            "Synthesia: how long a download link works.",
            SECONDS,
            field="synthesia_link_seconds",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def synthesia_limits(flags: dict[str, Any]) -> dict[str, Any]:
    """``--tier``, ``--window-scale`` and ``--test-videos-per-day`` as the settings' limits;
    ``--render-fail-rate`` serves both HeyGen and Synthesia."""
    writes, reads = TIERS[flags.pop("tier")]
    scale = flags.pop("window_scale")
    test = Rate(flags.pop("test_videos_per_day"), 86400.0)
    return flags | {
        "synthesia_write_limits": scaled(writes, scale),
        "synthesia_read_limits": scaled(reads, scale),
        "synthesia_test_video_limit": scaled((test,), scale)[0],
        "synthesia_render_fail_rate": flags["heygen_render_fail_rate"],
    }
