"""``validate`` and the provider's catalog (issue 20, item 3): it passed a voice the actor
does not offer until a plan had kept the catalog, so the pre-commit hook and CI's validate let
it through; and the error named the template's line but neither the instance nor its row.

Now validate says plainly when it could not check (none kept, or older than
``provider.catalog_max_age``) and how to: ``validate --refresh-catalog`` reads it, through the
provider, its requests counted; and a catalog error of an instance names it, its row and the
column, in validate and in plan alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env
from cli_run import Cli

from vidspec.core.errors import ManifestError
from vidspec.core.times import format_time

PROMO = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
videos:
  promo:
    for_each: {file: data/promos.csv, key: sku}
    video_name: Offer ${each.sku}
    script: Buy the ${each.product} today.
    voice: ${each.voice}
"""
ROWS = "sku,product,voice\na1,Chair,Sara\nb2,Table,Guy\n"
GUY = (
    "videos/main.yaml:8:5: voice Guy is not offered for Natalia 4.0.0 (in promo[b2], from "
    "videos/data/promos.csv:3, column `voice`) (its voices: Alena, Mia, Sara)"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    for env in make_env(tmp_path, monkeypatch, cli):
        monkeypatch.chdir(env.root)
        (env.root / "videos" / "data").mkdir()
        (env.root / "videos" / "data" / "promos.csv").write_text(ROWS, encoding="utf-8")
        env.write(PROMO)
        yield env


def _usage(env: ApplyEnv) -> int:
    path = env.root / ".vidspec" / "usage.json"
    if not path.exists():
        return 0
    months: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))
    return sum(months.values())


def test_without_a_kept_catalog_validate_says_it_could_not_check(env: ApplyEnv) -> None:
    code, out, err = env.run("validate")
    assert (code, out) == (0, "2 videos in 1 file are valid.\n")
    assert err == (
        "Not checked against the provider's catalog (voices, actors, avatars, backgrounds): "
        "none is kept yet (.vidspec/catalog.json). `vidspec validate --refresh-catalog` reads "
        "it (so does a plan).\n"
    )
    assert env.server.request_log == []  # offline


def test_refresh_catalog_reads_it_counts_it_keeps_it_and_names_the_row(env: ApplyEnv) -> None:
    before = _usage(env)
    code, out, err = env.run("validate", "--refresh-catalog")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        GUY,
        "1 problem found.",
        "Checked against the provider's catalog, read just now (1 request, counted in this "
        "month's; kept in .vidspec/catalog.json).",
    ]
    assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in env.server.request_log] == [
        ("GET", "configurations")
    ]
    assert _usage(env) == before + 1
    assert (env.root / ".vidspec" / "catalog.json").is_file()
    # and offline from now on, against the kept one
    code, _, err = env.run("validate")
    assert code == 1 and GUY in err and "read just now (.vidspec/catalog.json)" in err
    assert len(env.server.request_log) == 1


def test_an_old_catalog_is_used_and_said_to_be_old(env: ApplyEnv) -> None:
    (env.root / "videos" / "data" / "promos.csv").write_text(ROWS.replace("Guy", "Mia"))
    assert env.run("validate", "--refresh-catalog")[0] == 0
    path = env.root / ".vidspec" / "catalog.json"
    doc = json.loads(path.read_text())
    doc["fetched_at"] = format_time(env.clock.now() - timedelta(hours=3))
    path.write_text(json.dumps(doc))
    code, out, err = env.run("validate")
    assert (code, out) == (0, "2 videos in 1 file are valid.\n")
    assert err == (
        "Checked against the provider's catalog read 3 hours ago (.vidspec/catalog.json), older "
        "than provider.catalog_max_age (10 minutes): it may be out of date; `vidspec validate "
        "--refresh-catalog` reads it again.\n"
    )


def test_plan_names_the_instance_row_and_column_too(env: ApplyEnv) -> None:
    with pytest.raises(ManifestError) as caught:
        env.plan()
    assert [str(p) for p in caught.value.problems] == [GUY]


def test_a_field_no_column_filled_still_names_the_instance_and_row(env: ApplyEnv) -> None:
    env.write(PROMO.replace("voice: ${each.voice}", "voice: Guy"))
    (env.root / "videos" / "data" / "promos.csv").write_text("sku,product\na1,Chair\n")
    code, _, err = env.run("validate", "--refresh-catalog")
    assert code == 1
    assert err.splitlines()[0] == (
        "videos/main.yaml:8:5: voice Guy is not offered for Natalia 4.0.0 (in promo[a1], from "
        "videos/data/promos.csv:2) (its voices: Alena, Mia, Sara)"
    )
