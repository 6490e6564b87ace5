"""Tiny real provider distributions for tests: a ``*.dist-info`` (METADATA, entry_points.txt)
and a module in a folder on ``sys.path``, which ``importlib.metadata`` finds as it finds any
installed package (no mock of the registry)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from vidspec.providers import registry

__all__ = ["PluginDir", "installed_in"]


def installed_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginDir]:
    """A folder on ``sys.path`` to install tiny distributions into; the registry reads the
    installed kinds again before and after (the ``plugins`` fixture of conftest.py)."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    registry.forget()
    yield PluginDir(site)
    registry.forget()
    for name in [m for m in sys.modules if m.startswith("vidspec_test_")]:
        del sys.modules[name]


class PluginDir:
    """Where ``install`` puts a distribution; ``sys.path`` holds it for the test."""

    def __init__(self, site: Path) -> None:
        self.site = site

    def install(self, dist: str, kind: str, module: str, source: str) -> None:
        """A distribution ``dist`` 1.2.3 whose entry point ``kind`` names ``module:PLUGIN``."""
        info = self.site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
        (info / "entry_points.txt").write_text(f"[vidspec.providers]\n{kind} = {module}:PLUGIN\n")
        (self.site / f"{module}.py").write_text(textwrap.dedent(source))
        registry.forget()  # as a new process would: the installed kinds are read again
