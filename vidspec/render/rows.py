"""The one row model the plan renderers share: ``plan_rows(plan) -> PlanRows``.

Text and Markdown format these rows and nothing else, so a symbol, a heading, a value or a
word diff reads the same in a terminal and in a pull request; the JSON renderer prints the
plan's own document, made from the same actions and ``FieldChange`` values.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vidspec.core.times import format_time
from vidspec.plan.actions import Action, Delete, Download, FieldChange, Forget, Move, Regenerate
from vidspec.plan.model import PendingTask, Plan, UnmanagedVideo
from vidspec.render.durations import apply_time_line
from vidspec.render.preview import create_preview

# A string longer than this (or with a line break) is shown as a word diff or a text block.
LONG_STRING = 60

_TOKENS = re.compile(r"\S+|\n")


@dataclass(frozen=True)
class Symbol:
    mark: str
    meaning: str
    tone: str  # "add", "change", "remove", "note": the renderer picks the colour


SYMBOLS: dict[str, Symbol] = {
    "create": Symbol("+", "create", "add"),
    "rename": Symbol("~", "update in-place (rename)", "change"),
    "replace_cbd": Symbol("+/-", "create replacement and then destroy", "change"),
    "replace_dbc": Symbol("-/+", "destroy and then create replacement", "remove"),
    # a provider that cannot delete (Vidnoz): the old video is dropped from the state and
    # stays in the account until it expires; "destroy" would promise what does not happen
    "replace_forget": Symbol("+/-", "create replacement and then forget the old one", "change"),
    "delete": Symbol("-", "destroy", "remove"),
    "forget": Symbol("»", "forget (drop from the state; no call to the service)", "note"),
    "move": Symbol(">", "move (state only, free)", "note"),
    "adopt": Symbol("<", "adopt (record a video found in the listing; free)", "note"),
    "download": Symbol("↓", "download (save a finished video's file; nothing generated)", "note"),
}
_LEGEND_ORDER = tuple(SYMBOLS)
_VERBS = {
    "create": "created",
    "rename": "renamed",
    "regenerate": "regenerated",
    "delete": "deleted",
    "forget": "forgotten",
    "adopt": "adopted",
}
SUMMARY_KINDS = ("create", "rename", "regenerate", "delete")  # always in the summary line
OPTIONAL_SUMMARY_KINDS = ("forget", "move", "adopt", "download")  # only when non-zero


@dataclass(frozen=True)
class WordPiece:
    """A run of words in a word diff: ``same``, ``removed`` or ``added``."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldRow:
    """One changed field. ``mark`` is ``+`` (added), ``-`` (removed) or ``~`` (changed).

    ``before``/``after`` are JSON-like value texts (``None``: no side). ``words`` is set for a
    long string changed in place; ``block`` for a long string added or removed (its lines)."""

    mark: str
    path: str
    before: str | None
    after: str | None
    words: tuple[WordPiece, ...] | None = None
    block: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ActionRow:
    kind: str
    symbol: Symbol
    address: str
    reason: str
    heading: str  # "welcome will be created (new)" (renderers add "# ")
    remote_id: str | None
    fields: tuple[FieldRow, ...]
    hidden: int
    field_names: tuple[str, ...]  # for the Markdown table
    notes: tuple[str, ...] = ()  # "file out/x.mp4 will be removed" (renderers add "# ")
    preview: str | None = None  # a create: its name and first words (``render.preview``)


@dataclass(frozen=True)
class PlanRows:
    actions: tuple[ActionRow, ...]
    legend: tuple[Symbol, ...]
    counts: dict[str, int]
    summary_line: str  # "Plan: 2 to create, ..."
    cost_line: str  # "Cost: ..."
    pending: tuple[str, ...]  # in flight (the service reports them): waited for
    unmanaged: tuple[UnmanagedVideo, ...]
    warnings: tuple[str, ...]
    abandoned: tuple[str, ...] = ()  # dead write-ahead records apply drops (its only change)
    time_line: str | None = None  # "Apply time: about 20 min (10 a minute) · 374 requests, ..."
    # "1 create awaits confirmation until 20:25 UTC (not listed yet)": the plan has not
    # converged while a create's answer was lost and the listing does not show its video
    unconfirmed: str | None = None
    awaiting: tuple[str, ...] = ()  # those creates, one line each (not "in flight")

    @property
    def empty(self) -> bool:
        return not self.actions

    @property
    def abandoned_header(self) -> str:
        """The header of a plan whose only change is dropping abandoned records."""
        count = len(self.abandoned)
        records = "record" if count == 1 else "records"
        return (
            f"No videos to change. Apply drops {count} abandoned create {records} from the "
            f"state (nothing is created or paid)."
        )


def plan_rows(plan: Plan, names: Mapping[str, str] | None = None) -> PlanRows:
    """The rows of ``plan``. ``names``: ids the catalog names (a Vidnoz avatar or voice id ->
    its name), shown beside the id: ``"Rk1n…" (Anna)``."""
    actions = tuple(_action_row(a, names or {}) for a in plan.actions)
    used = {_symbol_key(a) for a in plan.actions}
    legend = tuple(SYMBOLS[k] for k in _LEGEND_ORDER if k in used)
    return PlanRows(
        actions=actions,
        legend=legend,
        counts=plan.summary,
        summary_line=summary_line(plan.summary),
        cost_line=cost_line(plan),
        pending=tuple(
            _pending_line(p) for p in plan.pending if p.state not in ("abandoned", "unknown")
        ),
        unmanaged=plan.unmanaged,
        warnings=plan.warnings,
        abandoned=tuple(_pending_line(p) for p in plan.pending if p.state == "abandoned"),
        time_line=apply_time_line(plan.apply_time) if plan.apply_time is not None else None,
        unconfirmed=unconfirmed_line(plan),
        awaiting=tuple(_pending_line(p) for p in plan.unconfirmed),
    )


def unconfirmed_line(plan: Plan) -> str | None:
    """``1 create awaits confirmation until 20:25 UTC (not listed yet)``, or ``None`` when no
    create does. The time is when the last of them is sent again if still not listed."""
    waiting = plan.unconfirmed
    if not waiting:
        return None
    what = "1 create awaits" if len(waiting) == 1 else f"{len(waiting)} creates await"
    untils = [p.until for p in waiting if p.until is not None]
    if len(untils) < len(waiting):
        return f"{what} confirmation (the listing was not read: plan with refresh)"
    until = max(untils)
    since = min(p.since for p in waiting)
    shown = f"{until:%H:%M} UTC" if until.date() == since.date() else f"{until:%Y-%m-%d %H:%M} UTC"
    return f"{what} confirmation until {shown} (not listed yet)"


def _pending_line(p: PendingTask) -> str:
    return (
        f"{p.address}: "
        + (f"task {p.remote_id} " if p.remote_id else "")
        + f"{p.state} since {format_time(p.since)} ({p.note})"
    )


def summary_line(counts: dict[str, int]) -> str:
    parts = [f"{counts.get(k, 0)} to {k}" for k in SUMMARY_KINDS]
    parts += [f"{counts[k]} to {k}" for k in OPTIONAL_SUMMARY_KINDS if counts.get(k)]
    return "Plan: " + ", ".join(parts) + "."


def cost_line(plan: Plan) -> str:
    cost = plan.cost
    generations = _plural(cost.generation_requests, "generation request")
    left = "unknown" if cost.quota_left is None else number(cost.quota_left)
    if cost.unit == "minutes":
        minutes = f"~{number(cost.minutes)} video minutes (quota left {left})"
    else:
        minutes = (
            f"~{number(cost.minutes)} video minutes (~{number(cost.amount)} {cost.unit}, "
            f"{cost.unit} left {left})"
        )
    month = (
        f"{cost.requests_used} of {cost.requests_cap} used this month"
        if cost.requests_cap is not None
        else f"{cost.requests_used} used this month"
    )
    requests = _plural(cost.api_requests, "API request")
    return f"Cost: {generations}, {minutes}, {requests} ({month})."


def number(value: float) -> str:
    """At most one decimal: 544.0 -> "544", 4.5 -> "4.5", 0.04 -> "0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def value_text(value: Any) -> str:
    """A value as the plan shows it: JSON (strings quoted, ``null``, lists inline)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def word_diff(before: str, after: str) -> tuple[WordPiece, ...]:
    """Words removed and added between two texts (line breaks kept, other spaces single)."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[WordPiece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(WordPiece("same", _join_words(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(WordPiece("removed", _join_words(old[i1:i2])))
        if j2 > j1:
            pieces.append(WordPiece("added", _join_words(new[j1:j2])))
    return tuple(pieces)


def word_diff_plain(
    pieces: tuple[WordPiece, ...],
    paint: Callable[[str, str], str] | None = None,
) -> str:
    """``same [-removed-]{+added+} same``: git's --word-diff=plain markers. ``paint(kind,
    text)`` may wrap each marked run (colour); markers stay, so the diff reads without it."""
    out: list[str] = []
    previous = ""
    for piece in pieces:
        if piece.kind == "same":
            out.append(piece.text)
        else:
            marked = f"[-{piece.text}-]" if piece.kind == "removed" else f"{{+{piece.text}+}}"
            if paint is not None:
                marked = paint(piece.kind, marked)
            if piece.kind == "added" and previous == "removed":
                out[-1] += marked  # git's style: [-old-]{+new+}, no space between
            else:
                out.append(marked)
        previous = piece.kind
    return _join_words(out)


# --- building rows ---------------------------------------------------------------------------


def _symbol_key(action: Action) -> str:
    if isinstance(action, Regenerate):
        if not action.delete_old:
            return "replace_forget"
        return "replace_cbd" if action.create_before_destroy else "replace_dbc"
    return action.kind


def _action_row(action: Action, names: Mapping[str, str]) -> ActionRow:
    return ActionRow(
        kind=action.kind,
        symbol=SYMBOLS[_symbol_key(action)],
        address=action.address,
        reason=action.reason,
        heading=_heading(action),
        remote_id=action.remote_id,
        fields=tuple(_field_row(c, names) for c in action.changes),
        hidden=action.unchanged,
        field_names=tuple(c.path for c in action.changes),
        notes=_file_notes(action),
        preview=create_preview(action),
    )


def _file_notes(action: Action) -> tuple[str, ...]:
    """What happens to a file vidspec saved: removed with its video, or moved with it."""
    if isinstance(action, Delete) and action.remove_file is not None:
        return (f"file {action.remove_file} will be removed",)
    if isinstance(action, Move) and action.file_from is not None:
        return (f"file {action.file_from} will be moved to {action.file_to}",)
    return ()


def _heading(action: Action) -> str:
    if isinstance(action, Move):
        return f"{action.from_address} has moved to {action.address}"
    if isinstance(action, Download):
        return f"{action.address} will be downloaded to {action.download} ({action.reason})"
    if isinstance(action, (Delete, Forget)) and action.superseded:
        verb = _VERBS[action.kind]
        return (
            f"{action.address}: the superseded video {action.video_id} will be {verb} "
            f"({action.reason})"
        )
    return f"{action.address} will be {_VERBS[action.kind]} ({action.reason})"


def _field_row(change: FieldChange, names: Mapping[str, str]) -> FieldRow:
    before, after = change.before, change.after

    def shown(value: Any) -> str:
        text = value_text(value)
        return f"{text} ({names[value]})" if isinstance(value, str) and value in names else text

    if before is None and after is None:
        return FieldRow("~", change.path, "null", "null")
    if before is None or after is None:
        mark = "+" if before is None else "-"
        value = after if before is None else before
        if isinstance(value, str) and "\n" in value:
            return FieldRow(mark, change.path, None, None, block=tuple(value.split("\n")))
        text = shown(value)
        if mark == "+":
            return FieldRow(mark, change.path, None, text)
        return FieldRow(mark, change.path, text, None)
    if isinstance(before, str) and isinstance(after, str) and (_is_long(before) or _is_long(after)):
        return FieldRow(
            "~",
            change.path,
            shown(before),
            shown(after),
            words=word_diff(before, after),
        )
    return FieldRow("~", change.path, shown(before), shown(after))


def _is_long(text: str) -> bool:
    return len(text) > LONG_STRING or "\n" in text


def _join_words(words: list[str]) -> str:
    text = " ".join(words)
    return text.replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
