"""``vidspec drift`` as text, JSON and Markdown (the drift workflow's issue body)."""

from __future__ import annotations

import html

from vidspec.core.escape import document_safe
from vidspec.plan.driftreport import DriftReport
from vidspec.render.jsonout import dump
from vidspec.render.markdown import md_text

_TITLES = {
    "renamed": "renamed outside vidspec",
    "changed": "changed outside vidspec",
    "deleted": "deleted outside vidspec",
    "expired": "expired",
    "failed": "failed at the service",
    "expiring": "expiring soon",
    "unknown": "unknown video that looks like ours",
    "unconfirmed": "create awaiting confirmation",
}


def render_drift_text(report: DriftReport) -> str:
    if not report.drifted:
        return f"No drift: the {report.checked} managed videos match the service's listing.\n"
    lines = [f"Drift found in the service's listing ({len(report.items)}):", ""]
    width = max(len(i.address) for i in report.items)
    for item in report.items:
        lines.append(
            f"  {item.address:<{width}}  {_TITLES[item.kind]:<34} {item.remote_id or '-'}  "
            f"{item.detail}"
        )
    lines += ["", "Run `vidspec plan` to see what apply would do about it."]
    return "\n".join(lines) + "\n"


def render_drift_json(report: DriftReport) -> str:
    return dump(report.to_json())


def render_drift_markdown(report: DriftReport) -> str:
    """The drift issue's body: the Markdown plan's rule (``render.markdown``), as what a
    server said (a name given in the vendor's web UI) is posted on the forge."""
    if not report.drifted:
        return (
            f"### vidspec drift: none\n\nThe {report.checked} managed videos match the "
            f"service's listing.\n"
        )
    rows = "\n".join(
        f"| `{_code(i.address)}` | {_TITLES[i.kind]} | `{_code(i.remote_id or '-')}` "
        f"| {md_text(i.detail)} |"
        for i in report.items
    )
    return document_safe(
        f"### vidspec drift: {len(report.items)} found\n\n"
        f"| Video | What | Id | Seen |\n|---|---|---|---|\n{rows}\n\n"
        f"Run `vidspec plan` to see what apply would do about it.\n"
    )


def _code(text: str) -> str:
    return " ".join(html.escape(text, quote=False).replace("|", "\\|").split())
