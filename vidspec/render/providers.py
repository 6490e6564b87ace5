"""The rows of ``vidspec providers`` and their text, JSON and Markdown forms (pure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vidspec.core.escape import escape_text

__all__ = ["ProviderRow", "providers_json", "providers_markdown", "providers_text"]


@dataclass(frozen=True)
class ProviderRow:
    """One installed kind: where it comes from, what it can do, or why it does not load."""

    kind: str
    package: str
    version: str
    display_name: str = ""
    api_version: str = ""
    error: str | None = None
    can_rename: bool = False
    can_delete: bool = False
    can_cancel: bool = False
    generation_rate: str = ""
    request_rate: str | None = None
    monthly_requests: int | None = None
    listing: str = ""
    cost: str = ""
    emulator: bool = False

    @property
    def loads(self) -> bool:
        return self.error is None


def providers_json(rows: list[ProviderRow]) -> dict[str, Any]:
    """``{"format_version": 1, "providers": [...]}``: each row with ``loads``."""
    return {
        "format_version": 1,
        "providers": [{**asdict(row), "loads": row.loads} for row in rows],
    }


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _limits(row: ProviderRow) -> str:
    parts = [f"creates {row.generation_rate}"]
    if row.request_rate:
        parts.append(f"calls {row.request_rate}")
    if row.monthly_requests:
        parts.append(f"{row.monthly_requests:,} requests a month")
    return ", ".join(parts)


def providers_text(rows: list[ProviderRow]) -> str:
    """A block per kind; a kind that does not load shows its error (escaped: it may quote a
    third party's text)."""
    lines = []
    for row in rows:
        head = f"{row.kind}  {row.package} {row.version}"
        if not row.loads:
            lines += [head, f"  does not load: {escape_text(row.error or '')}", ""]
            continue
        lines += [
            f"{head}  ({escape_text(row.display_name)}, plugin API {row.api_version})",
            f"  rename {_yes(row.can_rename)}, delete {_yes(row.can_delete)}, "
            f"cancel {_yes(row.can_cancel)}",
            f"  limits: {_limits(row)}",
            f"  listing: {row.listing}",
            f"  cost: {row.cost}; emulator: {_yes(row.emulator)}",
            "",
        ]
    return "\n".join(lines) if lines else "No provider kind is installed.\n"


def providers_markdown(rows: list[ProviderRow]) -> str:
    """The table of the README's provider section."""
    out = [
        "| kind | package | rename | delete | cancel | limits | listing | cost | emulator |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if not row.loads:
            out.append(f"| `{row.kind}` | {row.package} | does not load | | | | | | |")
            continue
        out.append(
            f"| `{row.kind}` | {row.package} | {_yes(row.can_rename)} | {_yes(row.can_delete)} "
            f"| {_yes(row.can_cancel)} | {_limits(row)} | {row.listing} | {row.cost} "
            f"| {_yes(row.emulator)} |"
        )
    return "\n".join(out) + "\n"
