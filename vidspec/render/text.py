"""The plan as a terminal reads it, after Terraform: legend, one block per video, summary."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from vidspec.core.escape import escape_text
from vidspec.plan.fingerprint import short_fingerprint
from vidspec.plan.model import Plan
from vidspec.render.rows import ActionRow, FieldRow, PlanRows, plan_rows, word_diff_plain
from vidspec.render.style import style

NO_CHANGES = "No changes. Your videos match the manifests."
NO_ACTIONS = "No actions now; "  # + "1 create awaits confirmation until 20:25 UTC ..."
AWAITING_WHY = "(sent; its answer was lost and the listing does not show it yet)"
UNMANAGED_SHOWN = 10
_WRAP = 76
_TONES = {"add": "green", "change": "yellow", "remove": "red", "note": "cyan"}
_MARK_TONES = {"+": "add", "~": "change", "-": "remove"}


def render_text(plan: Plan, *, color: bool = False, names: Mapping[str, str] | None = None) -> str:
    """The whole plan as text, ending with a newline. ANSI colour only when ``color``;
    ``names``: catalog names shown beside ids (``plan_rows``)."""
    text = _TextRenderer(color).render(plan_rows(plan, names))
    if not plan.has_changes:
        return text  # "No changes." stays one line; the JSON and the comment still carry it
    return f"{text}\n{fingerprint_line(plan)}\n"


def empty_header(rows: PlanRows) -> list[str]:
    """The first lines of a plan without actions: never "the videos match" while a create
    awaits confirmation (its video may not exist), nor while apply still drops records."""
    lines = [f"{NO_ACTIONS}{rows.unconfirmed}."] if rows.unconfirmed else []
    if rows.abandoned:
        lines.append(rows.abandoned_header)
    return lines or [NO_CHANGES]


def fingerprint_line(plan: Plan) -> str:
    """The text plan's last line; ``apply --expect-fingerprint`` takes the 12 characters."""
    return f"Plan fingerprint: {short_fingerprint(plan.fingerprint)}"


def render_action_block(row: ActionRow, *, color: bool = False) -> list[str]:
    """One video's block (heading, fields, closing brace), for reuse by Markdown and apply."""
    return _TextRenderer(color).block(row)


class _TextRenderer:
    def __init__(self, color: bool) -> None:
        self.color = color

    def render(self, rows: PlanRows) -> str:
        lines: list[str] = []
        if rows.empty:
            lines += [self._bold(line) for line in empty_header(rows)]
        else:
            lines.append("Actions are shown with these symbols:")
            for symbol in rows.legend:
                lines.append(f"{self._tone(f'{symbol.mark:>3}', symbol.tone)} {symbol.meaning}")
            lines += ["", "vidspec will perform the following actions:", ""]
            for row in rows.actions:
                lines += [*self.block(row), ""]
            lines.append(self._bold(rows.summary_line))
            if rows.unconfirmed:
                lines.append(self._bold(f"{rows.unconfirmed}."))
            lines.append(rows.cost_line)
            if rows.time_line is not None:
                lines.append(rows.time_line)
        if rows.awaiting:
            lines += ["", f"Awaiting confirmation {AWAITING_WHY}:"]
            lines += [f"  {line}" for line in rows.awaiting]
        if rows.pending:
            lines += ["", "In flight (shown, not created again):"]
            lines += [f"  {line}" for line in rows.pending]
        if rows.abandoned:
            lines += ["", "Abandoned (apply drops these records; nothing is created again):"]
            lines += [f"  {line}" for line in rows.abandoned]
        if rows.unmanaged:
            count = len(rows.unmanaged)
            noun = "video" if count == 1 else "videos"
            lines += [
                "",
                f"{count} {noun} in the account {'is' if count == 1 else 'are'} not managed by "
                f"vidspec and will not be touched:",
            ]
            width = max(len(v.id) for v in rows.unmanaged[:UNMANAGED_SHOWN])
            for video in rows.unmanaged[:UNMANAGED_SHOWN]:
                name = "(no name)" if video.name is None else f'"{escape_text(video.name)}"'
                lines.append(f"  {escape_text(video.id):<{width}}  {name}")
            if count > UNMANAGED_SHOWN:
                lines.append(f"  ... and {count - UNMANAGED_SHOWN} more (plan --json lists all)")
        for warning in rows.warnings:
            lines += ["", f"{self._tone('Warning:', 'change')} {warning}"]
        return "\n".join(lines) + "\n"

    def block(self, row: ActionRow) -> list[str]:
        mark = self._tone(f"{row.symbol.mark:>3}", row.symbol.tone)
        lines = [self._bold(f"  # {row.heading}")]
        lines += [f"  # {escape_text(note)}" for note in row.notes]
        lines.append(f"{mark} video {_quote(row.address)} {{")
        width = max([len(f.path) for f in row.fields] + ([2] if row.remote_id else []), default=0)
        if row.remote_id:
            lines.append(f"        {'id':<{width}} = {_quote(row.remote_id)}")
        for field in row.fields:
            lines += self._field(field, width)
        if row.hidden:
            noun = "field" if row.hidden == 1 else "fields"
            lines.append(f"        # ({row.hidden} unchanged {noun} hidden)")
        lines.append("    }")
        return lines

    def _field(self, field: FieldRow, width: int) -> list[str]:
        mark = self._tone(field.mark, _MARK_TONES[field.mark])
        head = f"      {mark} {field.path:<{width}} ="
        if field.words is not None:
            text = word_diff_plain(field.words, self._paint_words if self.color else None)
            lines = [f"{head} (word diff: [-removed-] {{+added+}})"]
            for paragraph in text.split("\n"):
                wrapped = textwrap.wrap(
                    paragraph, _WRAP, break_long_words=False, break_on_hyphens=False
                )
                lines += [f"            {line}" for line in wrapped or [""]]
            return lines
        if field.block is not None:
            return [
                f"{head} <<-EOT",
                *(f"            {line}".rstrip() for line in field.block),
                "        EOT",
            ]
        if field.mark == "+":
            return [f"{head} {field.after}"]
        if field.mark == "-":
            return [f"{head} {field.before} -> null"]
        return [f"{head} {field.before} -> {field.after}"]

    def _paint_words(self, kind: str, text: str) -> str:
        return self._tone(text, "add" if kind == "added" else "remove")

    def _tone(self, text: str, tone: str) -> str:
        return style(text, fg=_TONES[tone]) if self.color else text

    def _bold(self, text: str) -> str:
        return style(text, bold=True) if self.color else text


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
