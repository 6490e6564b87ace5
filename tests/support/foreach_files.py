"""Manifests with ``for_each`` loaded from files written in the working directory (the
tests that use it ``chdir`` to their ``tmp_path``): what the loader makes of them, or the
problems it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired

PROJECT = (
    "version: 1\n"
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
)


def load(files: dict[str, str | bytes]) -> Desired:
    for name, content in {"vidspec.yaml": PROJECT, **files}.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return load_desired(load_project(Path(".")))


def problems(files: dict[str, str | bytes]) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load(files)
    return [str(p) for p in caught.value.problems]


def promo(*lines: str, each: str = "{file: data/p.csv, key: sku}") -> str:
    return "videos:\n  promo:\n" + f"    for_each: {each}\n" + "".join(f"    {x}\n" for x in lines)
