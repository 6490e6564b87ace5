"""The plan as a pull-request comment (``plan --markdown``), GitHub-flavoured.

Headline with counts, the cost line, a warning when anything is deleted or regenerated, a
table (action, video, reason, fields), then each video's full diff in ``<details>``. The
comment stays under ``MAX_CHARS`` (GitHub refuses comments over 65,536 characters): diffs are
left out from the end first, then table rows, and a note says how many.

A ``for_each`` definition with more than ``GROUP_OVER`` changed instances is one line
(``promo: 40 to create, 2 to regenerate``) with its instances' rows in a collapsed
``<details>`` block, so a 400-row change still reads well; their diffs are left to
``vidspec plan --target NAME``.

Whoever reads it, on stdout, in the job summary or in the posted comment, reads the same
text, made safe once here: control and bidi characters visible (``core.escape.
document_safe``), and text from data outside code (a name a vendor's web UI gave a video, a
warning) unable to mention anyone (``md_text``).
"""

from __future__ import annotations

import html
import re

from vidspec.core.addresses import split_address
from vidspec.core.escape import document_safe, escape_text
from vidspec.plan.actions import KIND_ORDER
from vidspec.plan.fingerprint import short_fingerprint
from vidspec.plan.model import Plan
from vidspec.render.rows import ActionRow, PlanRows, plan_rows
from vidspec.render.text import (
    AWAITING_WHY,
    UNMANAGED_SHOWN,
    empty_header,
    render_action_block,
)

MAX_CHARS = 60_000
TABLE_FIELDS = 5
GROUP_OVER = 20
_MARKED = re.compile(r"^(\s*)(\+/-|-/\+|[+~»<>↓-])( .*)$")


def render_markdown(plan: Plan, *, limit: int = MAX_CHARS, whole_plan_at: str | None = None) -> str:
    """The comment's Markdown, ending with a newline, at most ``limit`` characters.

    ``whole_plan_at`` (a CI run's URL) is where a shortened comment sends the reader for the
    whole plan; without it, the note says to run ``vidspec plan``."""
    rows = plan_rows(plan)
    # every piece made safe before it is measured: the limit holds for the escaped text
    head, tail = _safe(_head(rows)), _safe([*_tail(rows), _fingerprint(plan)])
    groups = _groups(rows.actions)
    grouped = {r.address for members in groups.values() for r in members}
    single = [r for r in rows.actions if r.address not in grouped]
    table = _safe([_table_row(r) for r in single])
    details = _safe([_group(name, members) for name, members in groups.items()])
    details += _safe([_details(r) for r in single])
    videos = [len(m) for m in groups.values()] + [1] * len(single)  # videos behind each block
    text = _assemble(head, table, details, "", tail)
    if len(text) <= limit:
        return text
    # Too long: keep as many table rows as fit, then as many diffs, and say what was left out.
    where = whole_plan_at
    budget = limit - len(
        _assemble(head, [], [], _note(sum(videos), len(table), limit, where), tail)
    )
    kept_rows = 0
    if budget > len(_TABLE_HEADER) + 2:
        budget -= len(_TABLE_HEADER) + 2
        while kept_rows < len(table) and len(table[kept_rows]) + 1 <= budget:
            budget -= len(table[kept_rows]) + 1
            kept_rows += 1
    kept_details = 0
    if kept_rows == len(table):
        while kept_details < len(details) and len(details[kept_details]) + 2 <= budget:
            budget -= len(details[kept_details]) + 2
            kept_details += 1
    note = _note(sum(videos[kept_details:]), len(table) - kept_rows, limit, where)
    return _assemble(head, table[:kept_rows], details[:kept_details], note, tail)


_TABLE_HEADER = "| Action | Video | Reason | Fields |\n|---|---|---|---|"


def _assemble(
    head: list[str], table: list[str], details: list[str], note: str, tail: list[str]
) -> str:
    parts = list(head)
    if table:
        parts.append(_TABLE_HEADER + "\n" + "\n".join(table))
    parts += details
    if note:
        parts.append(note)
    parts += tail
    return "\n\n".join(parts) + "\n"


def _head(rows: PlanRows) -> list[str]:
    if rows.empty and rows.unconfirmed:
        return ["### vidspec plan: no actions now", *empty_header(rows)]
    if rows.empty and rows.abandoned:
        return ["### vidspec plan: no videos to change", rows.abandoned_header]
    if rows.empty:
        return ["### vidspec plan: no changes", "Your videos match the manifests."]
    counts = rows.summary_line.removeprefix("Plan: ").removesuffix(".")
    head = [f"### vidspec plan: {counts}"]
    if rows.unconfirmed:
        head.append(f"**{rows.unconfirmed}.**")
    head.append("**Cost:** " + rows.cost_line.removeprefix("Cost: "))
    if rows.time_line is not None:
        head.append("**Apply time:** " + rows.time_line.removeprefix("Apply time: "))
    deletes, regenerates = rows.counts["delete"], rows.counts["regenerate"]
    if deletes or regenerates:
        what = []
        if deletes:
            what.append(f"deletes {_videos(deletes)}")
        if regenerates:
            what.append(f"regenerates {_videos(regenerates)} (new paid videos replace old ones)")
        head.append(
            "> [!WARNING]\n> This plan " + " and ".join(what) + ". Review it before you approve."
        )
    return head


def _tail(rows: PlanRows) -> list[str]:
    tail = []
    if rows.awaiting:
        lines = "\n".join(f"- {md_text(p)}" for p in rows.awaiting)
        tail.append(f"**Awaiting confirmation** {AWAITING_WHY}:\n\n{lines}")
    if rows.pending:
        lines = "\n".join(f"- {md_text(p)}" for p in rows.pending)
        tail.append(f"**In flight** (shown, not created again):\n\n{lines}")
    if rows.abandoned:
        lines = "\n".join(f"- {md_text(p)}" for p in rows.abandoned)
        what = "(apply drops these records; nothing is created again)"
        tail.append(f"**Abandoned** {what}:\n\n{lines}")
    if rows.unmanaged:
        count = len(rows.unmanaged)
        listed = "\n".join(
            f"- `{md_text(v.id)}` {md_text(v.name) if v.name is not None else '(no name)'}"
            for v in rows.unmanaged[:UNMANAGED_SHOWN]
        )
        more = f"\n- … and {count - UNMANAGED_SHOWN} more" if count > UNMANAGED_SHOWN else ""
        tail.append(
            f"**Not managed by vidspec** ({_videos(count)}, never touched):\n\n{listed}{more}"
        )
    if rows.warnings:
        lines = "\n".join(f"- {md_text(w)}" for w in rows.warnings)
        tail.append(f"**Warnings**\n\n{lines}")
    return tail


def _table_row(row: ActionRow) -> str:
    names = list(row.field_names)
    fields = ", ".join(f"`{n}`" for n in names[:TABLE_FIELDS])
    if len(names) > TABLE_FIELDS:
        fields += f" +{len(names) - TABLE_FIELDS} more"
    if row.preview is not None:  # a new video: what it is says more than its field names
        fields = md_text(row.preview)
    action = f"`{row.symbol.mark}` {row.kind}"
    reason = "; ".join([row.reason, *row.notes])
    return f"| {action} | `{row.address}` | {md_text(reason)} | {fields or '-'} |"


def _groups(actions: tuple[ActionRow, ...]) -> dict[str, list[ActionRow]]:
    """The for_each definitions with more than ``GROUP_OVER`` changed instances."""
    by_name: dict[str, list[ActionRow]] = {}
    for row in actions:
        name, key = split_address(row.address)
        if key is not None:
            by_name.setdefault(name, []).append(row)
    return {name: rows for name, rows in by_name.items() if len(rows) > GROUP_OVER}


def _group(name: str, members: list[ActionRow]) -> str:
    counts = {kind: sum(1 for r in members if r.kind == kind) for kind in KIND_ORDER}
    line = ", ".join(f"{n} to {kind}" for kind, n in counts.items() if n)
    table = "\n".join(_table_row(r) for r in members)
    summary = f"<code>{html.escape(name)}</code>: {line}"
    hint = f"_Each instance's diff: `vidspec plan --target {name}`._"
    return (
        f"<details><summary>{summary}</summary>\n\n{_TABLE_HEADER}\n{table}\n\n{hint}\n\n</details>"
    )


def _details(row: ActionRow) -> str:
    lines = [_diff_line(line) for line in render_action_block(row)]
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    summary = f"<code>{html.escape(row.address)}</code>: {row.kind} ({md_text(row.reason)})"
    return f"<details><summary>{summary}</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>"


def _diff_line(line: str) -> str:
    """Put a line's action mark in column 0, so GitHub colours ``+`` and ``-`` lines."""
    match = _MARKED.match(line)
    if not match:
        return f" {line}"
    indent, mark, rest = match.groups()
    return f"{mark}{indent}{rest}"


def _note(diffs: int, table_rows: int, limit: int, where: str | None) -> str:
    parts = []
    if diffs:
        parts.append(f"the diffs of {_videos(diffs)}")
    if table_rows:
        parts.append(f"{_videos(table_rows)} from the table")
    see = f"the whole plan is at {where}" if where else "run `vidspec plan` for the whole plan"
    return document_safe(
        f"_{' and '.join(parts)} left out to keep this comment under {limit:,} characters; {see}._"
    )


def _fingerprint(plan: Plan) -> str:
    return f"Plan fingerprint: `{short_fingerprint(plan.fingerprint)}`"


WORD_JOINER = "\u2060"


def md_text(text: str) -> str:
    """Text from data, safe as Markdown text in a table cell, list item or summary: no pipes,
    tags, line breaks or controls, and no mention. Every ``@`` is followed by a WORD JOINER
    (U+2060): invisible, and not a username character, so neither GitHub's nor GitLab's
    mention pattern (``@`` then a name) matches. A backslash would not do: GitLab honours
    ``\\@`` but GitHub still mentions (cmark-gfm issue 181); a code span would also do, but
    would show every name as code."""
    escaped = html.escape(escape_text(text), quote=False).replace("|", "\\|")
    return " ".join(escaped.split()).replace("@", "@" + WORD_JOINER)


def _safe(pieces: list[str]) -> list[str]:
    return [document_safe(piece) for piece in pieces]


def _videos(count: int) -> str:
    return f"{count} video{'' if count == 1 else 's'}"


def _longest_backtick_run(text: str) -> int:
    return max((len(m) for m in re.findall(r"`+", text)), default=0)
