"""An empty cell inside longer text (issue 20, item 7): the video name became
``'Spring promo: '``, silently. Now a warning names the row and the column; ``for_each: {file:,
key:, required: [product, voice]}`` makes an empty required cell an error at its row."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import Cli
from paid_env import sandbox_project

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired

ROWS = "sku,product,voice\nA1,Chair,Sara\nB2,,Sara\nC3,  ,\nD4,,Sara\n"


def promo(each: str = "{file: data/promos.csv, key: sku}") -> str:
    return (
        f"videos:\n  promo:\n    for_each: {each}\n"
        "    video_name: 'Spring promo: ${each.product}'\n"
        "    script: {file: scripts/en.txt}\n"
    )


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def load(root: Path, manifest: str, rows: str = ROWS) -> Desired:
    files = {
        "videos/data/promos.csv": rows,
        "videos/scripts/en.txt": "Our ${each.product}, said by ${each.voice}.\n",
        "videos/main.yaml": manifest,
    }
    return load_desired(load_project(sandbox_project(root, files)))


def test_an_empty_cell_inside_longer_text_is_a_warning_naming_its_row_and_column(
    tmp_path: Path,
) -> None:
    desired = load(tmp_path, promo())
    assert desired.videos["promo[B2]"].spec["video_name"] == "Spring promo: "
    assert desired.warnings == (
        "videos/data/promos.csv:3: for_each of 'promo': column `product` is empty (also on "
        "lines 4, 5), so video_name of promo[B2] reads 'Spring promo: ' (fill it, or list "
        "`product` in for_each's `required` to refuse an empty one)",
        "videos/data/promos.csv:4: for_each of 'promo': column `voice` is empty, so script of "
        "promo[C3] reads 'Our   , said by .' (fill it, or list `voice` in for_each's "
        "`required` to refuse an empty one)",
    )


def test_a_full_table_says_nothing(tmp_path: Path) -> None:
    assert load(tmp_path, promo(), "sku,product,voice\nA1,Chair,Sara\n").warnings == ()


def test_required_makes_an_empty_cell_an_error_at_its_row(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, promo("{file: data/promos.csv, key: sku, required: [product, voice]}"))
    assert [str(p) for p in caught.value.problems] == [
        "videos/data/promos.csv:3: column `product` is empty, and for_each requires it (fill "
        "the row in, or remove it)",
        "videos/data/promos.csv:4: columns `product`, `voice` are empty, and for_each requires "
        "them (fill the row in, or remove it)",
        "videos/data/promos.csv:5: column `product` is empty, and for_each requires it (fill "
        "the row in, or remove it)",
    ]


def test_required_names_a_column_of_the_source(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load(
            tmp_path,
            promo("{file: data/promos.csv, key: sku, required: [prodcut]}"),
            "sku,product,voice\nA1,Chair,Sara\n",
        )
    assert [str(p) for p in caught.value.problems] == [
        "videos/main.yaml:3:60: for_each: required `prodcut` is not in videos/data/promos.csv "
        "(did you mean `product`? its names are: sku, product, voice)"
    ]


def test_required_in_yaml_rows_and_its_shape(tmp_path: Path) -> None:
    manifest = promo("{file: data/promos.yaml, key: sku, required: [product]}")
    (tmp_path / "videos" / "data").mkdir(parents=True)
    (tmp_path / "videos" / "data" / "promos.yaml").write_text(
        "- {sku: a, product: Chair, voice: Sara}\n- {sku: b, voice: Sara}\n"
        "- {sku: c, product: '', voice: Sara}\n"
    )
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, manifest)
    assert [str(p) for p in caught.value.problems] == [
        "videos/data/promos.yaml:2:3: field `product` is empty, and for_each requires it (fill "
        "the row in, or remove it)",
        "videos/data/promos.yaml:3:3: field `product` is empty, and for_each requires it (fill "
        "the row in, or remove it)",
    ]
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, promo("{file: data/promos.csv, key: sku, required: product}"))
    assert [str(p) for p in caught.value.problems] == [
        "videos/main.yaml:3:5: for_each must be a list of keys, a mapping of keys to values, or "
        "{file: PATH, key: COLUMN} (write for_each: [en, de], for_each: {en: {voice: Sara}}, or "
        "for_each: {file: data/rows.csv, key: COLUMN, required: [COLUMN]}; required is "
        "optional: the columns that may not be empty)"
    ]


def test_validate_prints_the_warning(tmp_path: Path, cli: Cli) -> None:
    load(tmp_path, promo())
    code, out, err = cli(tmp_path, "validate")
    assert (code, out) == (0, "4 videos in 1 file are valid.\n")
    assert (
        "Warning: videos/data/promos.csv:3: for_each of 'promo': column `product` is empty" in err
    )
