"""Videos from vendor templates (issue 23): ``template: {id, variables}`` in a manifest, its
variables filled by ``for_each`` from a CSV (the vendors' bulk-from-CSV, kept in git), checked
against the template's declared variables (Synthesia's catalog lists them), applied against
the emulators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv
from cli_run import Cli
from vendor_env import make_vendor_env

PRODUCT_UPDATE = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"  # Synthesia: product_name, headline, logo
WELCOME = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"  # HeyGen: first_name, team


@pytest.fixture
def synthesia(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vendor_env(
        "synthesia", tmp_path, monkeypatch, cli, queue_seconds=1.0, processing_seconds=10.0
    )


@pytest.fixture
def heygen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vendor_env(
        "heygen", tmp_path, monkeypatch, cli, queue_seconds=1.0, processing_seconds=10.0
    )


def write_rows(env: ApplyEnv) -> None:
    (env.root / "videos" / "rows.csv").write_text(
        "sku,product,headline\nA1,Anvil,Heavier than ever\nB2,Birdseed,Now with more seeds\n",
        encoding="utf-8",
    )


def test_synthesia_videos_from_a_template_one_per_csv_row(synthesia: ApplyEnv) -> None:
    env = synthesia
    write_rows(env)
    env.write(
        f"""\
        videos:
          promo:
            for_each: {{file: rows.csv, key: sku}}
            title: "Offer ${{each.sku}}"
            template:
              id: {PRODUCT_UPDATE}
              variables: {{product_name: "${{each.product}}", headline: "${{each.headline}}"}}
        """
    )
    assert sorted(env.kinds()) == [("promo[A1]", "create"), ("promo[B2]", "create")]
    results = env.apply()
    assert results is not None and results.ok, results.rows
    made = {r.title: r for r in env.server.world.videos.values()}
    assert set(made) == {"Offer A1", "Offer B2"}
    assert {r.template_id for r in made.values()} == {PRODUCT_UPDATE}
    assert env.plan().actions == ()
    # a changed variable in a row is a new video (a template video cannot be edited)
    (env.root / "videos" / "rows.csv").write_text(
        "sku,product,headline\nA1,Anvil,Lighter than ever\nB2,Birdseed,Now with more seeds\n",
        encoding="utf-8",
    )
    assert env.kinds() == [("promo[A1]", "regenerate")]


def test_an_unknown_template_variable_is_named_at_its_line(
    synthesia: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = synthesia
    env.write(
        f"""\
        videos:
          promo:
            title: Offer
            template:
              id: {PRODUCT_UPDATE}
              variables: {{prodct_name: Anvil}}
        """
    )
    code, _, err = env.run("plan")
    assert code == 1
    assert (
        "videos/main.yaml:6:19: template 'Product update' has no variable 'prodct_name' "
        "(did you mean 'product_name'? its variables: product_name, headline, logo)"
    ) in err


def test_heygen_videos_from_a_template(heygen: ApplyEnv) -> None:
    env = heygen
    env.write(
        f"""\
        videos:
          welcome:
            for_each: [Ana, Ben]
            title: "Welcome ${{each.key}}"
            template: {{id: {WELCOME}, variables: {{first_name: "${{each.key}}"}}}}
        """
    )
    results = env.apply()
    assert results is not None and results.ok, results.rows
    made = sorted(r.title for r in env.server.world.videos.values())
    assert made == ["Welcome Ana", "Welcome Ben"]
    assert env.plan().actions == ()
