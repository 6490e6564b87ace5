"""The sticky PR/MR comment's body: the hidden marker, the project, then the Markdown plan
(summary and cost first, fingerprint last), within the forge's 65,536-character budget, made
safe by the Markdown plan's one rule (``render.markdown``). Pure.
"""

from __future__ import annotations

from vidspec.core.escape import document_safe
from vidspec.forges.base import COMMENT_LIMIT
from vidspec.forges.marker import Marker
from vidspec.plan.model import Plan
from vidspec.render.markdown import render_markdown
from vidspec.render.rows import OPTIONAL_SUMMARY_KINDS, SUMMARY_KINDS


def comment_body(
    plan: Plan, project: str, *, whole_plan_at: str | None = None, limit: int = COMMENT_LIMIT
) -> str:
    """``limit`` characters at most; a larger plan keeps its summary and cost and as many
    videos as fit, and says how many are left out and where the whole plan is."""
    counts = plan.summary
    summary = {k: counts.get(k, 0) for k in SUMMARY_KINDS}  # what the summary line shows
    summary |= {k: counts[k] for k in OPTIONAL_SUMMARY_KINDS if counts.get(k)}
    marker = Marker(project=project, fingerprint=plan.fingerprint, summary=summary).render()
    where = "the repository root" if project == "." else f"`{project}`"
    head = document_safe(f"{marker}\n<sub>vidspec project: {where}</sub>\n\n")
    return head + render_markdown(plan, limit=limit - len(head), whole_plan_at=whole_plan_at)
