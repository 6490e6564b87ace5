"""Errors do not cascade (issue 20, item 5): a root problem is reported, and what only
follows from it is not. A duplicate key made the manifest unreadable, and then came a false
"moved to 'promo[SKU-2010]', which is not a video in any manifest"; a definition written twice
repeated the complaint for every instance. A definition that failed to expand, or a manifest
that could not be read, may hold the address a move names: it is not "unknown"."""

from __future__ import annotations

from pathlib import Path

import pytest
from paid_env import sandbox_project

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

PROMO = (
    "videos:\n  promo:\n    for_each: {file: data/promos.csv, key: sku}\n"
    "    video_name: Offer ${each.sku}\n    script: Buy the ${each.product} today.\n"
)
ROWS = "sku,product\nSKU-2010,Chair\nSKU-3,Lamp\nSKU-4,Table\n"
MOVED = "moved: [{from: 'promo[old]', to: 'promo[SKU-2010]'}]\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def problems(root: Path, files: dict[str, str], extra: str = "") -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(sandbox_project(root, files, extra=extra)))
    return [str(p) for p in caught.value.problems]


def test_a_duplicate_key_reports_itself_not_the_move_that_follows(tmp_path: Path) -> None:
    each = "{SKU-2010: {product: a}, SKU-2010: {product: b}}"
    manifest = PROMO.replace("{file: data/promos.csv, key: sku}", each).replace("sku}", "key}")
    assert problems(tmp_path, {"videos/main.yaml": manifest}, extra=MOVED) == [
        "videos/main.yaml:3:40: key 'SKU-2010' appears twice in this mapping (first at line 3) "
        "(keep one of them)"
    ]


def test_a_definition_that_failed_to_expand_is_known_to_exist(tmp_path: Path) -> None:
    manifest = PROMO.replace("${each.product}", "${each.prodct} ${each.product}")
    manifest += "moved:\n  - {from: 'promo[old]', to: 'promo[SKU-2010]'}\n"
    found = problems(
        tmp_path,
        {
            "videos/data/promos.csv": ROWS,
            "videos/main.yaml": manifest + "  - {from: gone, to: nowhere}\n",
        },
    )
    assert found == [
        "videos/main.yaml:5:5: unknown placeholder `${each.prodct}` in video 'promo' (did you "
        "mean `product`? the names are: key, sku, product)",
        # a move to an address no definition could hold is still reported
        "videos/main.yaml:8:18: moved to 'nowhere', which is not a video in any manifest "
        "(point `to` at the video's current address)",
    ]


def test_a_row_refused_by_required_is_not_a_missing_video_either(tmp_path: Path) -> None:
    manifest = PROMO.replace("key: sku}", "key: sku, required: [product]}") + MOVED
    assert problems(
        tmp_path,
        {"videos/data/promos.csv": ROWS.replace("Chair", ""), "videos/main.yaml": manifest},
    ) == [
        "videos/data/promos.csv:2: column `product` is empty, and for_each requires it (fill "
        "the row in, or remove it)"
    ]


def test_a_definition_written_twice_is_reported_once_not_per_instance(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {"videos/data/promos.csv": ROWS, "videos/a.yaml": PROMO, "videos/b.yaml": PROMO},
    ) == [
        "videos/a.yaml:2:3: address 'promo' is defined again at videos/b.yaml:2:3 (addresses "
        "are unique across all files: rename one of them)",
        "videos/b.yaml:2:3: address 'promo' is already defined at videos/a.yaml:2:3 (addresses "
        "are unique across all files: rename one of them)",
    ]
