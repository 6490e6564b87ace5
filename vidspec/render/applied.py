"""An apply's outcome from its event stream (``apply --json``), as the PR comment shows it.
Pure: event objects in, an ``AppliedRun`` value and Markdown out.

``applied_run`` folds the events (``render.events``; unknown types are skipped, as the ui
version's rules ask) into one row per video: what was done, failed, is still generating or
was not done, with its id, link, expiry, saved file and seconds. ``applied_markdown`` writes
the section the sticky comment gains after the merge: the counts, the time it took, the
requests, the CI run, every error open with its hint, what is left when the run stopped
early, and the rows in ``<details>``; within ``limit`` characters whatever the number of videos
(the summary and the errors are always kept; rows are cut from the middle, with a count).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vidspec.core.escape import document_safe
from vidspec.render.apply import clock_text
from vidspec.render.markdown import md_text

DONE, FAILED, IN_FLIGHT, NOT_DONE = "done", "failed", "in flight", "not done"
_OUTCOME = {
    "apply_complete": DONE,
    "apply_errored": FAILED,
    "apply_submitted": IN_FLIGHT,
    "apply_skipped": NOT_DONE,
}
_MARK = {DONE: "✅", FAILED: "❌", IN_FLIGHT: "⏳", NOT_DONE: "⏸"}
ERRORS_SHOWN = 50  # errors beyond this are counted; they are in the rows and the job's log
ERROR_CHARS = 400


@dataclass(frozen=True)
class AppliedRow:
    address: str
    action: str
    outcome: str
    video_id: str | None = None
    url: str | None = None
    expires_at: str | None = None
    file: str | None = None
    length: float | None = None  # the video's duration
    seconds: float | None = None
    error: str = ""


@dataclass
class AppliedRun:
    """What one apply did, read back from its events."""

    rows: list[AppliedRow] = field(default_factory=list)
    message: str = ""  # the final line: "Apply complete! Videos: 3 created, ..."
    changes: Mapping[str, Any] = field(default_factory=dict)
    requests: Mapping[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # the command's: what, hint
    hints: dict[str, str] = field(default_factory=dict)  # address -> what to do
    started: datetime | None = None
    ended: datetime | None = None
    planned: int = 0  # the plan's actions (its planned_change events)

    @property
    def seconds(self) -> float | None:
        if self.started is None or self.ended is None:
            return None
        return max(0.0, (self.ended - self.started).total_seconds())

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def applied_run(events: Iterable[Mapping[str, Any]]) -> AppliedRun:
    """Fold a stream's events (already parsed, checked to be objects) into an ``AppliedRun``."""
    run = AppliedRun()
    for event in events:
        _timestamp(run, event.get("@timestamp"))
        kind = event.get("type")
        if kind in _OUTCOME:
            run.rows.append(_row(event, _OUTCOME[str(kind)]))
        elif kind == "planned_change":
            run.planned += 1
        elif kind == "change_summary":
            changes = event.get("changes")
            if isinstance(changes, Mapping) and changes.get("operation") in ("apply", "destroy"):
                run.changes = changes
                run.message = str(event.get("@message", ""))
                requests = event.get("requests")
                run.requests = requests if isinstance(requests, Mapping) else {}
        elif kind == "diagnostic":
            _diagnostic(run, event.get("diagnostic"))
    return run


def _timestamp(run: AppliedRun, value: Any) -> None:
    if not isinstance(value, str):
        return
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return
    run.started = run.started or when
    run.ended = when


def _row(event: Mapping[str, Any], outcome: str) -> AppliedRow:
    hook = event.get("hook")
    hook = hook if isinstance(hook, Mapping) else {}
    resource = hook.get("resource")
    address = resource.get("addr") if isinstance(resource, Mapping) else None

    def text(key: str) -> str | None:
        value = hook.get(key)
        return value if isinstance(value, str) else None

    seconds, length = hook.get("elapsed_seconds"), hook.get("duration_seconds")
    return AppliedRow(
        address=str(address or "?"),
        action=text("action") or "?",
        outcome=outcome,
        video_id=text("id_value"),
        url=text("url"),
        expires_at=text("expires_at"),
        file=text("file"),
        length=float(length) if isinstance(length, (int, float)) else None,
        seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
        error=text("error") or text("reason") or text("detail") or "",
    )


def _diagnostic(run: AppliedRun, body: Any) -> None:
    if not isinstance(body, Mapping) or body.get("severity") != "error":
        return
    summary, detail = str(body.get("summary", "")), str(body.get("detail", ""))
    address = body.get("address")
    if isinstance(address, str):
        run.hints.setdefault(address, detail)
    else:
        run.failures.append((summary, detail))


def applied_markdown(run: AppliedRun, *, limit: int, run_url: str | None = None) -> str:
    """The result section of the sticky comment, at most ``limit`` characters."""
    head = _safe(_head(run, run_url))
    table_head = (
        f"<details><summary>Every video ({len(run.rows):,})</summary>\n\n"
        "| Video | Action | Result | Id | Link | Length | Saved file | Took |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    foot = "\n</details>\n"
    rows = [_safe(_table_row(r)) for r in run.rows]
    if not rows:
        return head
    budget = limit - len(head) - len(table_head) - len(foot)
    kept = _fit(rows, budget, run_url)
    if kept is None:  # not even the note fits: the summary and the errors alone
        return head[:limit]
    return head + table_head + "".join(kept) + foot


def _fit(rows: list[str], budget: int, run_url: str | None) -> list[str] | None:
    """All rows, or as many as fit taken from both ends, with a row in the middle that counts
    the rest (the start and the end of a run are where one looks); ``None``: no room."""
    if sum(map(len, rows)) <= budget:
        return rows
    where = f"[the apply job]({run_url})" if run_url else "the apply job's log"

    def note(count: int) -> str:
        return _safe(f"| … | | {count:,} more videos left out to fit: see {where} | | | | | |\n")

    budget -= len(note(len(rows)))  # the longest the note can be
    if budget < 0:
        return None
    front, back = 0, len(rows)  # rows[:front] and rows[back:] are kept
    while front < back:
        pick = front if front <= len(rows) - back else back - 1
        if len(rows[pick]) > budget:
            break
        budget -= len(rows[pick])
        if pick == front:
            front += 1
        else:
            back -= 1
    return [*rows[:front], note(back - front), *rows[back:]]


def _head(run: AppliedRun, run_url: str | None) -> str:
    failed = run.count(FAILED) + len(run.failures)
    mark = "✅" if not failed and not run.count(NOT_DONE) and not run.count(IN_FLIGHT) else "⚠️"
    title = md_text(run.message) if run.message else "the apply's events ended early"
    lines = [f"### {mark} vidspec apply: {title}", ""]
    counts = f"{run.count(DONE):,} of {run.planned:,} planned done, {run.count(FAILED):,} failed"
    counts += f", {run.count(IN_FLIGHT):,} in flight, {run.count(NOT_DONE):,} not done"
    facts = [f"**Result:** {counts}"]
    if run.seconds is not None:
        facts.append(f"took {clock_text(run.seconds)}")
    if run.requests:
        facts.append(_requests(run.requests))
    if run_url:
        facts.append(f"[CI run]({run_url})")
    lines += [" · ".join(facts), ""]
    lines += _errors(run)
    lines += _left(run)
    return "\n".join(lines) + "\n"


def _requests(requests: Mapping[str, int]) -> str:
    total = sum(v for k, v in requests.items() if k != "rate_limited" and isinstance(v, int))
    text = f"{total:,} requests ({requests.get('generation', 0):,} generations"
    refused = requests.get("rate_limited", 0)
    return text + (f", {refused:,} refused with 429)" if refused else ")")


def _errors(run: AppliedRun) -> list[str]:
    """The command's errors, then each failed video's, with their hints; at most
    ``ERRORS_SHOWN`` lines of ``ERROR_CHARS`` each (a thousand problems are counted)."""
    entries = [(_md(summary), _md(hint)) for summary, hint in run.failures]
    for row in run.rows:
        if row.outcome == FAILED:
            what = f"`{_code(row.address)}` {row.action} failed: {_md(row.error)}"
            hint = run.hints.get(row.address, "")
            entries.append((what, _md(hint) if hint != row.error else ""))
    if not entries:
        return []
    lines = ["**Errors**", ""]
    for what, hint in entries[:ERRORS_SHOWN]:
        lines.append(f"- {what}" + (f"<br>→ {hint}" if hint else ""))
    if len(entries) > ERRORS_SHOWN:
        lines.append(f"- … and {len(entries) - ERRORS_SHOWN:,} more (the rows below and the log)")
    return [*lines, ""]


def _md(text: str) -> str:
    """Server text as Markdown text (``md_text``), cut to ``ERROR_CHARS`` before escaping."""
    return md_text(text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS].rstrip() + "…")


def _left(run: AppliedRun) -> list[str]:
    flying, waiting = run.count(IN_FLIGHT), run.count(NOT_DONE)
    if not flying and not waiting:
        return []
    lines = ["**Left to do**", ""]
    if flying:
        lines.append(
            f"- {flying:,} still generating: the next `vidspec plan` shows them in flight, and "
            "the next apply records them (nothing is sent twice)."
        )
    if waiting:
        lines.append(
            f"- {waiting:,} not done: run the apply again (re-run the job, or the manual "
            "apply workflow on `main`); its plan is exactly what is left."
        )
    return [*lines, ""]


def _table_row(row: AppliedRow) -> str:
    result = f"{_MARK[row.outcome]} {row.outcome}"
    if row.error and row.outcome != DONE:
        result += f": {_md(row.error)}"
    link = ""
    if row.url and row.url.startswith(("https://", "http://")) and row.outcome == DONE:
        until = f" (until {row.expires_at[:10]})" if row.expires_at else ""
        link = f"[watch](<{row.url.replace('>', '%3E')}>){until}"
    cells = [
        f"`{_code(row.address)}`",
        row.action,
        result,
        f"`{_code(row.video_id)}`" if row.video_id else "",
        link,
        clock_text(row.length) if row.length is not None else "",
        f"`{_code(row.file)}`" if row.file else "",
        clock_text(row.seconds) if row.seconds is not None else "",
    ]
    return "| " + " | ".join(cells) + " |\n"


def _code(text: str) -> str:
    """Text in a code span inside a table: no backtick, pipe or line break can end it."""
    return " ".join(text.replace("`", "'").replace("|", "¦").split())


def _safe(text: str) -> str:
    return document_safe(text)
