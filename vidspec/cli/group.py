"""The top-level click group: exit codes and Terraform's spellings of shared options.

Exit codes: every error exits 1, a mistyped command line included (click's own default is 2,
the code ``plan --detailed-exitcode`` uses for "there are changes": a CI script with a typo
would read "changes"). 2 means changes or drift, and nothing else.

Terraform habits: Terraform spells long options with one dash (``-out=plan.bin``,
``-auto-approve``). click would read ``-out=plan.bin`` as ``-o`` with the value
``ut=plan.bin``; so a word after one dash that names a long option of some vidspec command is
read as that long option, and ``-refresh=false`` as ``--no-refresh``. Nothing is misread.
The group's own options are rewritten when it parses its arguments; a command's when it is
resolved (commands load lazily, see ``lazy``: only the one that runs is known).

Terraform habits, too: the global options (``-C DIR``, ``--no-color``, ``-v``) are accepted
after a command's name (``vidspec plan -no-color``, ``vidspec state list -C dir``); each command
is given them when it is loaded (``context.with_global_options``), so ``--help`` and
``--version`` still load none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from vidspec.cli.context import with_global_options
from vidspec.cli.lazy import LazyGroup

# Terraform spellings whose vidspec form differs from "--" + the same text.
_RENAMED = {"-refresh=false": "--no-refresh", "-refresh=true": "--refresh"}


@contextlib.contextmanager
def _usage_exits_one() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        exc.exit_code = 1  # type: ignore[misc]  # click makes it a ClassVar; this one exits 1
        raise


def long_option_names(command: click.Command) -> set[str]:
    """Every ``--name`` (without dashes) of ``command`` and, for a group, of its commands."""
    names = {
        opt[2:]
        for param in command.params
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("--")
    }
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            names |= long_option_names(sub)
    return names


def terraform_spellings(args: list[str], long_names: set[str]) -> list[str]:
    """``args`` with Terraform's one-dash long options written as vidspec's ``--`` options."""
    out: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            return out + args[index:]
        if arg in _RENAMED:
            out.append(_RENAMED[arg])
            continue
        if arg.startswith("-") and not arg.startswith("--"):
            name = arg[1:].split("=", 1)[0]
            if len(name) > 1 and name in long_names:
                arg = "-" + arg
        out.append(arg)
    return out


class VidspecGroup(LazyGroup):
    """``click.Group`` with vidspec's exit codes and Terraform's spellings (see the module)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _usage_exits_one():
            return super().make_context(info_name, args, parent, **extra)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return None if command is None else with_global_options(command)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        own = long_option_names(click.Command(None, params=self.params))
        return super().parse_args(ctx, terraform_spellings(args, own))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            rest = terraform_spellings(rest, long_option_names(command))
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_exits_one():
            return super().invoke(ctx)
