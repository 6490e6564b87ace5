"""The one question vidspec asks before it changes anything (apply, destroy, force-unlock).

As Terraform does: the question goes to stdout, the answer is read from stdin, a terminal or
a pipe (``echo yes | vidspec force-unlock ID``); only the exact line ``yes`` approves.
Anything else, the end of input included, raises ``Cancelled``: "<Action> cancelled: nothing
was changed.", exit 1, never worded as an error (``vidspec.cli`` prints it without
``Error:``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from vidspec.core.errors import Cancelled


@dataclass(frozen=True)
class Question:
    """What to ask. ``action``: the capitalised word of the refusal ("Apply", "Destroy",
    "Force-unlock"). ``text``: the question, with what it is about. ``instead``: what to do
    when stdin ended without an answer (no terminal and nothing piped)."""

    action: str
    text: str
    instead: str


def confirm(question: Question) -> None:
    """Ask ``question``; return on ``yes``, raise ``Cancelled`` on anything else."""
    click.echo(f"\n{question.text}")
    click.echo("  Enter a value: ", nl=False)
    line = sys.stdin.readline()
    if not line.endswith("\n"):
        click.echo("")  # no newline came from the user: end the prompt's line ourselves
    if line.rstrip("\r\n") != "yes":
        hint = None if line else f"stdin ended without an answer. {question.instead}"
        raise Cancelled(f"{question.action} cancelled: nothing was changed.", hint)
    click.echo("")
