"""One state store per command (docs/design.md): the usage counter and the provider's request
count use the command's own store, never a second one (with S3, a second store is a second
boto3 client and another read of the usage object).

The stores built are counted at their constructors (the local file and S3 both), while each
command runs in-process against the sandbox provider.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vidspec.cli import main
from vidspec.state import LocalStateStore
from vidspec.state.s3store import S3StateStore

SANDBOX = """\
provider:
  kind: sandbox
  options: {queue_seconds: 0.05, processing_seconds: 0.1, post_limit: 100/1s}
"""
VIDEOS = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara
videos:
  welcome: {video_name: Welcome, script: Hello from welcome.}
"""

# Every command that reads the state and talks to the provider, in the order a user would.
COMMANDS = [
    ("plan",),
    ("apply", "--auto-approve"),
    ("plan",),
    ("drift",),
    ("output", "--refresh"),
    ("import", "--all", "--dry-run"),
    ("validate", "--refresh-catalog"),
    ("catalog",),
]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the state stores constructed, in order."""
    names: list[str] = []
    for cls in (LocalStateStore, S3StateStore):
        original = cls.__init__

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            names.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    return names


def run_each(root: Path, built: list[str], expected: str) -> None:
    for command in COMMANDS:
        built.clear()
        with pytest.raises(SystemExit) as exited:
            main(["-C", str(root), *command])
        assert exited.value.code in (0, None, 2), (command, exited.value.code)
        # (an empty state of S3 looks for the project's state at the local default place
        # too: a store of another place, not a second one of the command's)
        assert [name for name in built if name == expected] == [expected], (command, built)


def test_each_command_builds_one_local_store(
    tmp_path: Path, built: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "videos").mkdir()
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\n" + SANDBOX + 'manifests: ["videos/*.yaml"]\n', encoding="utf-8"
    )
    (tmp_path / "videos" / "main.yaml").write_text(VIDEOS, encoding="utf-8")
    run_each(tmp_path, built, "LocalStateStore")
    assert "Traceback" not in capsys.readouterr().err


def test_each_command_builds_one_s3_store(
    s3: Any, tmp_path: Path, built: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
    s3.write_project(tmp_path, provider=SANDBOX)
    (tmp_path / "videos" / "main.yaml").write_text(VIDEOS, encoding="utf-8")
    run_each(tmp_path, built, "S3StateStore")
    assert "Traceback" not in capsys.readouterr().err
