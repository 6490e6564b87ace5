"""Validate at scale (issue 19 item 7): what the faster, smaller load must keep doing.

The figures (peak memory per video, time against PyYAML's C loader) are measured in
``benchmarks/bench_memory.py`` and ``benchmarks/bench_validate.py --realistic``; these tests hold
the load's behaviour: one manifest's YAML held at a time, for_each rows the globs match still
read as data, the schema's verdicts on texts, and downloads through symlinks still refused.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vidspec.core.errors import ManifestError
from vidspec.project import loader
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.schema import _passes_as_text
from vidspec.project.yamlload import YamlDocument

PROJECT = (
    'version: 1\nmanifests: ["videos/**/*.yaml"]\n'
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(files: dict[str, str]) -> None:
    for name, content in {"vidspec.yaml": PROJECT, **files}.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(content, encoding="utf-8")


def video(address: str, *lines: str) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f"  {address}:\n    video_name: {address}\n    script: Hello from {address}.\n{body}"


def test_a_load_holds_one_manifests_yaml_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file's YAML read first and kept to the end took 4 KB a video (542 MB at
    100,000 videos); each file is now read, loaded and let go in turn."""
    write({f"videos/part-{n}.yaml": "videos:\n" + video(f"v{n}") for n in range(6)})
    alive: list[weakref.ref[YamlDocument]] = []
    most = 0
    real_load = loader.load_yaml

    def counting_load(path: Path) -> YamlDocument:
        nonlocal most
        doc = real_load(path)
        alive.append(weakref.ref(doc))
        most = max(most, sum(1 for ref in alive if ref() is not None))
        return doc

    monkeypatch.setattr(loader, "load_yaml", counting_load)
    desired = load_desired(load_project(Path(".")))
    assert sorted(desired.videos) == [f"v{n}" for n in range(6)]
    # vidspec.yaml, the manifest being loaded and the one before it (until the loop moves on)
    assert most <= 3, most


@pytest.mark.parametrize("key", ["for_each", '"for\\x5feach"'])
def test_rows_the_manifest_globs_also_match_are_data_not_a_manifest(key: str) -> None:
    """Only a file that may name rows is read ahead (its text holds the word, or an escape
    that may spell it); the rows file, matched by ``videos/**/*.yaml``, is not a manifest."""
    write(
        {
            "videos/a-rows.yaml": "- {sku: a1, text: First}\n- {sku: b2, text: Second}\n",
            "videos/b.yaml": "videos:\n  promo:\n"
            f"    {key}: {{file: a-rows.yaml, key: sku}}\n"
            "    video_name: Promo ${each.key}\n    script: ${each.text}\n",
        }
    )
    desired = load_desired(load_project(Path(".")))
    assert list(desired.videos) == ["promo[a1]", "promo[b2]"]
    assert desired.videos["promo[b2]"].spec["script"] == "Second"


def test_a_download_whose_file_is_a_symlink_to_a_protected_file_is_refused() -> None:
    """Symlinks are listed once per folder now; a file that is one is still followed."""
    write({"videos/a.yaml": "videos:\n" + video("welcome", "download: out/welcome.mp4")})
    Path("out").mkdir()
    Path("out/welcome.mp4").symlink_to("../vidspec.yaml")
    Path("out/other.mp4").symlink_to("../elsewhere.mp4")  # a symlink that harms nothing
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(Path(".")))
    assert [str(p) for p in caught.value.problems] == [
        "videos/a.yaml:5:5: download path 'out/welcome.mp4' is the project file vidspec.yaml "
        "(give the video a file of its own, e.g. out/welcome.mp4)"
    ]


TEXT_SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "minLength": 1},
    {"type": ["string", "object"], "minLength": 1, "maxLength": 35, "required": ["file"]},
    {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", "x-expect": "x"},
    {"type": "object"},  # no string passes: jsonschema says why
    {"enum": ["a", "b"]},  # says more than a text field: left to jsonschema
    {"type": "string", "format": "uri"},
]
TEXTS = ["", "a", "b", "x" * 35, "x" * 36, "Lesson 1", "-bad", "ok.name_1", "ü" * 35, "a\nb"]


@pytest.mark.parametrize("schema", TEXT_SCHEMAS, ids=lambda s: re.sub(r"\W+", "-", str(s)))
def test_a_text_judged_without_jsonschema_passes_only_where_jsonschema_passes_it(
    schema: dict[str, Any],
) -> None:
    for text in TEXTS:
        if _passes_as_text(schema, text):
            assert Draft202012Validator(schema).is_valid(text), (schema, text)
    expected = {
        0: {t for t in TEXTS if t},
        1: {t for t in TEXTS if 1 <= len(t) <= 35},
        2: {"a", "b", "x" * 35, "x" * 36, "ok.name_1"},
    }
    index = TEXT_SCHEMAS.index(schema)
    judged = {t for t in TEXTS if _passes_as_text(schema, t)}
    assert judged == expected.get(index, set())
