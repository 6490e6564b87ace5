"""The sticky PR/MR comment's body: the hidden marker, the project, then the Markdown plan
(summary and cost first, fingerprint last), within the forge's 65,536-character budget, made
safe by the Markdown plan's one rule (``render.markdown``); after the merge, the apply's
result above the plan (``comment_with_result``, between ``APPLIED_START`` and
``APPLIED_END``). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from vidspec.core.escape import document_safe
from vidspec.forges.base import COMMENT_LIMIT
from vidspec.forges.marker import Marker
from vidspec.plan.model import Plan
from vidspec.render.applied import AppliedRun, applied_markdown
from vidspec.render.markdown import render_markdown
from vidspec.render.rows import OPTIONAL_SUMMARY_KINDS, SUMMARY_KINDS


@dataclass(frozen=True)
class Provenance:
    """What the plan was made from and when, so a reviewer sees whether it covers the latest
    push: the commit (its web page), the CI run, the time the plan was made."""

    commit: str | None = None
    commit_url: str | None = None
    run_url: str | None = None
    planned_at: datetime | None = None

    def line(self) -> str:
        parts = []
        if self.commit:
            short = f"`{self.commit[:7]}`"
            parts.append(f"[{short}]({self.commit_url})" if self.commit_url else short)
        if self.planned_at is not None:
            parts.append(self.planned_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        text = "planned " + " at ".join(parts) if parts else ""
        if self.run_url:
            text += f"{' · ' if text else ''}[CI run]({self.run_url})"
        return text


def comment_body(
    plan: Plan,
    project: str,
    *,
    whole_plan_at: str | None = None,
    limit: int = COMMENT_LIMIT,
    provenance: Provenance | None = None,
) -> str:
    """``limit`` characters at most; a larger plan keeps its summary and cost and as many
    videos as fit, and says how many are left out and where the whole plan is."""
    counts = plan.summary
    summary = {k: counts.get(k, 0) for k in SUMMARY_KINDS}  # what the summary line shows
    summary |= {k: counts[k] for k in OPTIONAL_SUMMARY_KINDS if counts.get(k)}
    marker = Marker(project=project, fingerprint=plan.fingerprint, summary=summary).render()
    where = "the repository root" if project == "." else f"`{project}`"
    made = provenance.line() if provenance is not None else ""
    sub = f"vidspec project: {where}" + (f" · {made}" if made else "")
    head = document_safe(f"{marker}\n<sub>{sub}</sub>\n\n")
    return head + render_markdown(plan, limit=limit - len(head), whole_plan_at=whole_plan_at)


APPLIED_START = "<!-- vidspec:applied -->\n"
APPLIED_END = "<!-- /vidspec:applied -->\n"
RESULT_ROOM = 24_000  # below this much room for the result, the plan keeps only its summary
_CUT_PLAN = (
    "_The plan's rows are left out here to make room for the result above; the plan job's "
    "log and `vidspec show` of its saved plan have them._\n\n"
)


def comment_with_result(
    body: str, run: AppliedRun, *, run_url: str | None = None, limit: int = COMMENT_LIMIT
) -> str:
    """The sticky comment ``body`` with the apply's result above its plan (a result it had
    before is replaced), at most ``limit`` characters: the marker, the project line and the
    result's summary and errors always stay; then the plan (only its summary and fingerprint
    when the whole would crowd the result out), then the result's rows as fit."""
    head, plan = _split(body)
    room = limit - len(head) - len(APPLIED_START) - len(APPLIED_END) - 1
    if room - len(plan) < RESULT_ROOM:
        plan = _plan_summary(plan)
    section = applied_markdown(run, limit=max(0, room - len(plan)), run_url=run_url)
    return head + APPLIED_START + section + APPLIED_END + "\n" + plan


def _split(body: str) -> tuple[str, str]:
    """(the marker and the project line, the plan without any earlier result)."""
    lines = body.splitlines(keepends=True)
    cut = 2 if len(lines) > 1 and lines[1].startswith("<sub>") else 1
    while cut < len(lines) and not lines[cut].strip():
        cut += 1
    head, rest = "".join(lines[:cut]), "".join(lines[cut:])
    start = rest.find(APPLIED_START)
    end = rest.find(APPLIED_END)
    if start != -1 and end > start:
        rest = rest[:start] + rest[end + len(APPLIED_END) :].lstrip("\n")
    return head, rest


def _plan_summary(plan: str) -> str:
    """The plan's headline, cost and apply time, and its fingerprint line."""
    kept: list[str] = []
    for line in plan.splitlines(keepends=True):
        if line.startswith(("|", "<details>", "**Warnings**")):
            break
        kept.append(line)
    last = [line for line in plan.splitlines(keepends=True) if line.startswith("Plan fingerprint")]
    return "".join(kept) + _CUT_PLAN + "".join(last[-1:])
