"""Shared by issue 20's "never pay by mistake" tests: a sandbox project (driven through the
real CLI by the ``cli`` fixture), and what the sandbox's account holds afterwards, read back
from its data directory by serving the same emulator on it (so "no video was generated" is the
account's word, not the state's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vidspec.core.clock import SystemClock
from vidspec.emulator import EmulatorSettings, serve
from vidspec.project.config import load_project
from vidspec.sandbox.provider import SANDBOX_ACCOUNT, SANDBOX_TOKEN

SANDBOX = (
    "provider:\n  kind: sandbox\n"
    "  options: {queue_seconds: 0.05, processing_seconds: 0.1, post_limit: 100/1s}\n"
)
DEFAULTS = (
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
)


def sandbox_project(root: Path, files: dict[str, str | bytes], *, extra: str = "") -> Path:
    """``root/vidspec.yaml`` (the fast sandbox, the common defaults, manifests in
    ``videos/*.yaml``) and ``files`` (paths relative to ``root``)."""
    root.mkdir(parents=True, exist_ok=True)
    project = "version: 1\n" + SANDBOX + 'manifests: ["videos/*.yaml"]\n' + DEFAULTS + extra
    for name, content in {"vidspec.yaml": project, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def account_videos(root: Path) -> list[Any]:
    """Every video and task the project's sandbox account holds (none when the sandbox was
    never opened)."""
    project = load_project(root)
    if not project.sandbox_dir.exists():
        return []
    settings = EmulatorSettings(
        token=SANDBOX_TOKEN, account=SANDBOX_ACCOUNT, data_dir=project.sandbox_dir
    )
    with serve(settings, clock=SystemClock()) as server:
        return list(server.world.videos.values())
