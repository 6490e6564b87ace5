"""A click group that imports a command's module only when that command runs.

``vidspec --help`` and ``--version`` would otherwise load every command module, and with them
the emulator, ``http.server``, jsonschema and requests (0.3 s, 13x a bare interpreter). The
group knows each command's name, module and one-line help as data; ``--help`` lists them from
that table, and the module is imported when the command is looked up to run (or for its own
``--help``). A test keeps the table's help lines equal to the commands' own.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """``lazy`` maps a command name to ``(module, short help)``; the module defines ``command``."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module = importlib.import_module(self.lazy[cmd_name][0])
            command: click.Command = module.command
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is None:
                # A stand-in with the same help text shortens it exactly as click would.
                loaded = click.Command(name, help=self.lazy[name][1])
            rows.append((name, loaded.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
