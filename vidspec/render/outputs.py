"""``vidspec output`` and the ``outputs`` of ``show --json``: per address, what a user needs
to use the video (id, status, link, expiry, downloaded file and its sha256).

The status and link are those the last refresh saw (``vidspec.state.observed``); links come
from the service and are escaped for the terminal."""

from __future__ import annotations

import json
from typing import Any

from vidspec.core.addresses import natural_key
from vidspec.core.escape import escape_text
from vidspec.core.times import format_time
from vidspec.state.model import State
from vidspec.state.observed import Observed


def outputs_json(state: State, observed: Observed) -> dict[str, dict[str, Any]]:
    """``{address: {id, status, url, expires_at, download}}`` in natural address order."""
    outputs: dict[str, dict[str, Any]] = {}
    for address in sorted(state.videos, key=natural_key):
        record = state.videos[address]
        url = observed.url(record)
        outputs[address] = {
            "id": record.id,
            "status": observed.status(record),
            "url": None if url is None else escape_text(url),
            "expires_at": None if record.expires_at is None else format_time(record.expires_at),
            "download": None
            if record.download is None
            else {
                "path": record.download.path,
                "size": record.download.size,
                "sha256": record.download.sha256,
            },
        }
    return outputs


def render_outputs_json(outputs: dict[str, dict[str, Any]]) -> str:
    return json.dumps(outputs, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_outputs_text(outputs: dict[str, dict[str, Any]], observed: Observed) -> str:
    """One block per address; the link line says when it was seen."""
    lines: list[str] = []
    seen = "" if observed.seen_at is None else f" (listed {format_time(observed.seen_at)})"
    for address, doc in outputs.items():
        download = doc["download"]
        lines += [
            address,
            f"  id:       {doc['id']}",
            f"  status:   {doc['status']}",
            f"  url:      {doc['url'] + seen if doc['url'] else '-'}",
            f"  expires:  {doc['expires_at'] or '-'}",
            "  download: "
            + ("-" if download is None else f"{download['path']} (sha256 {download['sha256']})"),
        ]
    return "\n".join(lines) + "\n" if lines else ""
