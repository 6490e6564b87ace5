"""Writing a project's vidspec.yaml for a test: one place instead of a text per test file."""

from __future__ import annotations

from pathlib import Path

from vidspec.emulator import EmulatorServer

SECRET_NAMES = ("CDN_TOKEN", "CDN_USER", "CDN_PASSWORD", "VIDNOZ_API_KEY")


def provider_block(server: EmulatorServer | None, *, account: str = "acme") -> str:
    """``provider:`` for ``server`` (its kind, its base URL, a secret from the environment);
    the sandbox when there is no server."""
    if server is None:
        return "provider: {kind: sandbox}\n"
    if server.settings.provider == "vidnoz":
        return (
            f"provider: {{kind: vidnoz, base_url: {server.root_url}, "
            "api_key: env/VIDNOZ_API_KEY}\n"
        )
    return (
        "provider:\n"
        "  kind: cdnvideo\n"
        f"  account: {account}\n"
        f"  base_url: {server.base_url}\n"
        "  token: env/CDN_TOKEN\n"
    )


def write_project_file(
    root: Path,
    server: EmulatorServer | None = None,
    *,
    account: str = "acme",
    safety: str = "",
    extra: str = "",
) -> Path:
    """``root/vidspec.yaml`` (manifests in ``videos/*.yaml``, the folder made) for ``server``."""
    (root / "videos").mkdir(parents=True, exist_ok=True)
    text = "version: 1\n" + provider_block(server, account=account)
    text += 'manifests: ["videos/*.yaml"]\n'
    if safety:
        text += f"safety: {safety}\n"
    path = root / "vidspec.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path
