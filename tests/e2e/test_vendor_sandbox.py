"""``provider: {kind: sandbox, emulate: synthesia|heygen}`` (issue 23): the sandbox runs any
service that ships an emulator, in-process, with that service's client and request fields;
offline, on the real clock with videos of a fraction of a second."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apply_env import manifest
from vendor_env import HEYGEN_DEFAULTS, SYNTHESIA_DEFAULTS, heygen_videos, synthesia_videos

from vidspec.app.providers import open_provider
from vidspec.app.report import gallery
from vidspec.cli import main
from vidspec.project.config import load_project

FAST = "{queue_seconds: 0, processing_seconds: 0.2}"


def vidspec(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["-C", str(root), "--no-color", *args])
    out = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


@pytest.mark.parametrize(
    ("service", "videos", "defaults", "client"),  # the client class the sandbox drives
    [
        ("synthesia", synthesia_videos(2), SYNTHESIA_DEFAULTS, "SandboxSynthesia"),
        ("heygen", heygen_videos(2), HEYGEN_DEFAULTS, "SandboxHeygen"),
    ],
)
def test_the_sandbox_emulates_a_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], service, videos, defaults, client
) -> None:
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text(
        f"version: 1\nprovider: {{kind: sandbox, emulate: {service}, options: {FAST}}}\n"
        'manifests: ["videos/*.yaml"]\n',
        encoding="utf-8",
    )
    (tmp_path / "videos" / "main.yaml").write_text(manifest(videos, defaults=defaults))
    code, out, err = vidspec(tmp_path, "apply", "--auto-approve", capsys=capsys)
    assert code == 0, err
    assert "2 created" in out or "Apply complete" in out, out
    code, out, _ = vidspec(tmp_path, "plan", capsys=capsys)
    assert code == 0 and "No changes." in out
    state = json.loads((tmp_path / ".vidspec" / "state.json").read_text(encoding="utf-8"))
    assert sorted(state["videos"]) == ["video-00", "video-01"]
    assert (tmp_path / ".vidspec" / "sandbox" / service).is_dir()  # kept between commands
    # the manifests hold the emulated service's fields: its schema is the project's
    code, out, _ = vidspec(tmp_path, "schema", "manifest", capsys=capsys)
    assert code == 0 and f"vidspec manifest ({service})" in out
    # the gallery reads the emulated vendor's name and text fields
    views = gallery(load_project(tmp_path), tmp_path / "report", datetime.now(UTC)).videos
    assert sorted(v.name for v in views) == ["Video 0", "Video 1"]
    assert all(v.text and v.text.startswith("This is video number") for v in views)
    provider = open_provider(load_project(tmp_path))
    try:
        assert type(provider).__name__ == client
    finally:
        provider.close()


def test_the_cdnvideo_sandbox_options_are_refused_for_a_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: sandbox, emulate: synthesia, options: {post_limit: 5/1s}}\n"
        'manifests: ["videos/*.yaml"]\n',
        encoding="utf-8",
    )
    (tmp_path / "videos" / "main.yaml").write_text(
        manifest(synthesia_videos(1), defaults=SYNTHESIA_DEFAULTS)
    )
    code, _, err = vidspec(tmp_path, "plan", capsys=capsys)
    assert code == 1
    assert "provider.options.post_limit is the CDNvideo sandbox's" in err


def test_emulate_is_the_sandboxs_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: synthesia, api_key: env/K, emulate: synthesia}\n",
        encoding="utf-8",
    )
    code, _, err = vidspec(tmp_path, "validate", capsys=capsys)
    assert code == 1 and "provider.emulate is not used by this provider kind" in err
