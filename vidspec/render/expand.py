"""``vidspec expand``: the videos as vidspec sees them, after defaults, ``{file:}`` and
``for_each`` are resolved, as YAML (a manifest a reviewer could have written by hand) or JSON.
Pure: values in, text out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

import yaml

from vidspec.project.model import Desired, DesiredVideo, Lifecycle

EXPAND_FORMAT_VERSION = 1


def expanded(desired: Desired, addresses: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each address's video: its request body, then vidspec's ``lifecycle`` (the values that
    differ from the defaults) and ``download``."""
    return {address: _video(desired.videos[address]) for address in addresses}


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full: a reviewer reads each video on its own."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_expand_yaml(videos: Mapping[str, Mapping[str, Any]]) -> str:
    text: str = yaml.dump(
        {"videos": dict(videos)}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text


def render_expand_json(videos: Mapping[str, Mapping[str, Any]]) -> str:
    document = {"format_version": EXPAND_FORMAT_VERSION, "videos": dict(videos)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _video(video: DesiredVideo) -> dict[str, Any]:
    body = dict(video.spec)
    lifecycle = _lifecycle(video.lifecycle)
    if lifecycle:
        body["lifecycle"] = lifecycle
    if video.download is not None:
        body["download"] = video.download
    return body


def _lifecycle(lifecycle: Lifecycle) -> dict[str, Any]:
    usual = Lifecycle()
    found: dict[str, Any] = {}
    if lifecycle.prevent_destroy != usual.prevent_destroy:
        found["prevent_destroy"] = lifecycle.prevent_destroy
    if lifecycle.ignore_changes:
        found["ignore_changes"] = list(lifecycle.ignore_changes)
    if lifecycle.create_before_destroy != usual.create_before_destroy:
        found["create_before_destroy"] = lifecycle.create_before_destroy
    if lifecycle.regenerate_before_expiry is not None:
        found["regenerate_before_expiry"] = _duration(lifecycle.regenerate_before_expiry)
    return found


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
