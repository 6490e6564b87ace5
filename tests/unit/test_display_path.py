"""One ``display_path`` (vidspec.core.paths) for every message: below the working directory a
path is shown relative to it, also when one of them goes through a symlink; elsewhere it is
shown absolute (the state store's copy showed ``../x`` as given, the manifest loader's showed
a path through a symlinked directory absolute: they disagreed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.core.paths import display_path


def test_below_the_working_directory_a_path_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    (real / "videos").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(real)
    assert display_path(real / "videos" / "a.yaml") == "videos/a.yaml"
    assert display_path(Path("videos/a.yaml")) == "videos/a.yaml"
    assert display_path(tmp_path / "link" / "videos" / "a.yaml") == "videos/a.yaml"


def test_elsewhere_a_path_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert display_path(Path("../state.json")) == str(tmp_path / "state.json")
