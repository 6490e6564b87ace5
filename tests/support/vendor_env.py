"""Projects of ``kind: synthesia`` and ``kind: heygen`` wired to their emulators over loopback
(issue 23), on the emulator's ``ManualClock``: ``ApplyEnv`` as the CDNvideo and Vidnoz tests
use it, with each vendor's own request fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_env import ApplyEnv, real_now_clock
from cli_run import Cli

from vidspec.emulator import EmulatorServer, EmulatorSettings, serve

SYNTHESIA_KEY = "syn-apply-key-0042"
HEYGEN_KEY = "heygen-apply-key-0042"
ANNA = "anna_costume1_cameraA"  # the Synthesia emulator's stock avatar
ANGELA = "Angela-inTshirt-20220820"  # the HeyGen emulator's look and voice
SARA = "1bd001e7e50f421d891986aad5158bc8"
SYNTHESIA_DEFAULTS = 'defaults:\n  aspectRatio: "16:9"\n'
HEYGEN_DEFAULTS = f"defaults:\n  avatar_id: {ANGELA}\n  voice_id: {SARA}\n"
SAFETY = "{max_deletes: 100, max_regenerations: 100, max_minutes: 1000, pending_grace: 30m}"


def synthesia_videos(count: int, prefix: str = "video") -> dict[str, dict[str, Any]]:
    return {
        f"{prefix}-{n:02d}": {
            "title": f"{prefix.title()} {n}",
            "input": [
                {
                    "avatar": ANNA,
                    "background": "off_white",
                    "scriptText": f"This is {prefix} number {n}, said well.",
                }
            ],
        }
        for n in range(count)
    }


def heygen_videos(count: int, prefix: str = "video") -> dict[str, dict[str, Any]]:
    return {
        f"{prefix}-{n:02d}": {
            "title": f"{prefix.title()} {n}",
            "script": f"This is {prefix} number {n}, said well.",
        }
        for n in range(count)
    }


def write_vendor_project(root: Path, server: EmulatorServer, extra: str = "") -> None:
    kind = server.settings.provider
    variable = "SYNTHESIA_API_KEY" if kind == "synthesia" else "HEYGEN_API_KEY"
    (root / "videos").mkdir(parents=True, exist_ok=True)
    text = (
        "version: 1\n"
        f"provider: {{kind: {kind}, base_url: {server.root_url}, api_key: env/{variable}}}\n"
        'manifests: ["videos/*.yaml"]\n'
        f"safety: {SAFETY}\n"
    )
    (root / "vidspec.yaml").write_text(text + extra, encoding="utf-8")


def make_vendor_env(
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli | None = None,
    **settings: Any,
) -> Iterator[ApplyEnv]:
    """An ``ApplyEnv`` of ``kind`` (synthesia or heygen) against its emulator."""
    key = SYNTHESIA_KEY if kind == "synthesia" else HEYGEN_KEY
    variable = "SYNTHESIA_API_KEY" if kind == "synthesia" else "HEYGEN_API_KEY"
    monkeypatch.setenv(variable, key)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clock = real_now_clock()
    options: dict[str, Any] = {"provider": kind, "token": key, "seed": 1}
    options.update(settings)
    defaults = SYNTHESIA_DEFAULTS if kind == "synthesia" else HEYGEN_DEFAULTS
    with serve(EmulatorSettings(**options), clock=clock) as server:
        write_vendor_project(tmp_path, server)
        yield ApplyEnv(tmp_path, server, clock, cli, {variable: key}, defaults)
