"""The modules ``vidspec.plan.importer`` draws on are pure like it: no file, network or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_importer import IMPURE, IMPURE_VIDSPEC

import vidspec


@pytest.mark.parametrize("module", ["plan/adoption.py", "plan/dump.py"])
def test_the_import_modules_import_nothing_that_does_io(module: str) -> None:
    tree = ast.parse((Path(vidspec.__file__).parent / module).read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert {name.split(".")[0] for name in names} & IMPURE == set()
    assert names & IMPURE_VIDSPEC == set()
    assert "vidspec.plan.importer" not in names  # importer re-exports these: no cycle
