"""A typo in a CSV header is not blamed on the template (issue 20, item 4): ``unknown
placeholder ${each.product} ... (did you mean prodcut?)`` suggested the typo as the fix. When
a placeholder matches no column, a header within a typo of it that no placeholder uses is the
likelier culprit: the problem is at that column of the header."""

from __future__ import annotations

from pathlib import Path

import pytest
from paid_env import sandbox_project

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

TEMPLATE = (
    "videos:\n  promo:\n    for_each: {file: data/promos.FORMAT, key: sku}\n"
    "    video_name: 'Spring promo: ${each.product}'\n"
    "    script: Buy the ${each.product} today, in ${each.colour}.\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def problems(root: Path, rows: str, kind: str = "csv") -> list[str]:
    files = {
        f"videos/data/promos.{kind}": rows,
        "videos/main.yaml": TEMPLATE.replace("FORMAT", kind),
    }
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(sandbox_project(root, files)))
    return [str(p) for p in caught.value.problems]


def test_a_misspelt_header_is_named_at_its_column_once(tmp_path: Path) -> None:
    assert problems(tmp_path, 'sku ,"prodcut",colour\nA1,Chair,red\n') == [
        "videos/data/promos.csv:1:7: column `prodcut` of the header looks misspelt: "
        "`${each.product}` (at videos/main.yaml:4:5) names no column (rename the column to "
        "`product` in videos/data/promos.csv; or, if the header is right, write "
        "`${each.prodcut}`)"
    ]


def test_a_header_used_by_another_placeholder_is_not_blamed(tmp_path: Path) -> None:
    # `colour` is used as written elsewhere, so `${each.color}` is the typo
    files = {
        "videos/data/promos.csv": "sku,product,colour\nA1,Chair,red\n",
        "videos/main.yaml": TEMPLATE.replace("FORMAT", "csv") + "    voice: ${each.color}\n",
    }
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(sandbox_project(tmp_path, files)))
    assert [str(p) for p in caught.value.problems] == [
        "videos/main.yaml:6:5: unknown placeholder `${each.color}` in video 'promo' (did you "
        "mean `colour`? the names are: key, sku, product, colour)"
    ]


def test_without_a_header_the_template_is_named(tmp_path: Path) -> None:
    assert problems(tmp_path, "- {sku: A1, prodcut: Chair, colour: red}\n", "yaml") == [
        "videos/main.yaml:4:5: unknown placeholder `${each.product}` in video 'promo' (did you "
        "mean `prodcut`? the names are: key, sku, prodcut, colour)",
        "videos/main.yaml:5:5: unknown placeholder `${each.product}` in video 'promo' (did you "
        "mean `prodcut`? the names are: key, sku, prodcut, colour)",
    ]
