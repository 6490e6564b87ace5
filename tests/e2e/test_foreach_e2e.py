"""Done-when of issue 16: a for_each over a CSV, on CDNvideo and on Vidnoz (emulators over
loopback, one ManualClock): add a row, change a row, remove a row, rename a key with
``moved``, change the template; each goes plan -> apply -> a clean plan, and touches only the
instances it should. A changed template is held to ``max_regenerations`` like any change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import JENNY, VIDNOZ_DEFAULTS, ApplyEnv, make_env, make_vidnoz_env

from vidspec.core.errors import UnsafePlan

ROWS = {"a1": "Garden chair", "b2": "Patio table", "c3": "Hammock"}
CDN_TEMPLATE = """\
defaults:
  actor: {{name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}}
  voice: Sara
videos:
  promo:
    for_each: {{file: data/promos.csv, key: sku}}
    video_name: "Offer: ${{each.product}}"
    script: "{greeting} the ${{each.product}} today. It is the best one we have made."
{moved}"""
VIDNOZ_TEMPLATE = (
    VIDNOZ_DEFAULTS.replace("{", "{{").replace("}", "}}")
    + """\
videos:
  promo:
    for_each: {{file: data/promos.csv, key: sku}}
    name: "Offer: ${{each.product}}"
    voice: {{tts: {{id: JENNY, text: "{greeting} the ${{each.product}} today, it is good."}}}}
{moved}""".replace("JENNY", JENNY)
)


class Bulk:
    """A project whose one manifest is a for_each template over ``videos/data/promos.csv``."""

    def __init__(self, env: ApplyEnv, template: str, kind: str) -> None:
        self.env, self.template, self.kind = env, template, kind
        self.rows = dict(ROWS)
        self.greeting = "Buy"
        self.moved = ""
        (env.root / "videos" / "data").mkdir()
        self.write()

    def write(self) -> None:
        lines = ["sku,product", *(f"{k},{v}" for k, v in self.rows.items())]
        (self.env.root / "videos" / "data" / "promos.csv").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
        text = self.template.format(greeting=self.greeting, moved=self.moved)
        (self.env.root / "videos" / "main.yaml").write_text(text, encoding="utf-8")

    def step(self) -> list[tuple[str, str]]:
        """Plan, apply, and check that the plan after is clean; returns what was planned."""
        self.write()
        planned = self.env.kinds()
        results = self.env.apply()
        assert results is not None and results.ok, results
        after = self.env.plan()
        assert after.actions == () and after.pending == (), self.env.kinds(after)
        return planned

    def names(self) -> dict[str, str]:
        """Each managed address -> the name its remote video has."""
        state = self.env.state()
        field = "name" if self.kind == "vidnoz" else "video_name"
        return {a: r.spec[field] for a, r in state.videos.items()}

    @property
    def removed(self) -> str:
        return "forget" if self.kind == "vidnoz" else "delete"


@pytest.fixture(params=["cdnvideo", "vidnoz"])
def bulk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Bulk]:
    if request.param == "vidnoz":
        envs = make_vidnoz_env(tmp_path, monkeypatch, queue_seconds=1.0, processing_seconds=4.0)
        template = VIDNOZ_TEMPLATE
    else:
        envs = make_env(tmp_path, monkeypatch)
        template = CDN_TEMPLATE
    for env in envs:
        project = Bulk(env, template, request.param)
        assert project.step() == [
            ("promo[a1]", "create"),
            ("promo[b2]", "create"),
            ("promo[c3]", "create"),
        ]
        yield project


def test_add_a_row_creates_that_instance_only(bulk: Bulk) -> None:
    bulk.rows["d4"] = "Lantern"
    assert bulk.step() == [("promo[d4]", "create")]
    assert bulk.names()["promo[d4]"] == "Offer: Lantern"
    assert len(bulk.names()) == 4


def test_change_a_row_regenerates_that_instance_only(bulk: Bulk) -> None:
    before = bulk.env.state().videos["promo[a1]"].id
    bulk.rows["b2"] = "Patio bench"
    assert bulk.step() == [("promo[b2]", "regenerate")]
    assert bulk.names()["promo[b2]"] == "Offer: Patio bench"
    assert bulk.env.state().videos["promo[a1]"].id == before


def test_remove_a_row_removes_that_instance_only(bulk: Bulk) -> None:
    del bulk.rows["c3"]
    assert bulk.step() == [("promo[c3]", bulk.removed)]
    assert sorted(bulk.names()) == ["promo[a1]", "promo[b2]"]


def test_rename_a_key_with_moved_moves_it_for_free(bulk: Bulk) -> None:
    video_id = bulk.env.state().videos["promo[b2]"].id
    bulk.rows = {("b22" if k == "b2" else k): v for k, v in bulk.rows.items()}
    bulk.moved = "moved: [{from: 'promo[b2]', to: 'promo[b22]'}]\n"
    assert bulk.step() == [("promo[b22]", "move")]
    assert bulk.env.state().videos["promo[b22]"].id == video_id


def test_moved_of_a_whole_definition_moves_every_instance(bulk: Bulk) -> None:
    ids = {a: r.id for a, r in bulk.env.state().videos.items()}
    bulk.template = bulk.template.replace("  promo:\n", "  offer:\n")
    bulk.moved = "moved: [{from: promo, to: offer}]\n"
    assert bulk.step() == [("offer[a1]", "move"), ("offer[b2]", "move"), ("offer[c3]", "move")]
    assert {a: r.id for a, r in bulk.env.state().videos.items()} == {
        a.replace("promo", "offer"): i for a, i in ids.items()
    }


def test_change_the_template_regenerates_every_instance(bulk: Bulk) -> None:
    bulk.greeting = "Try"
    assert bulk.step() == [
        ("promo[a1]", "regenerate"),
        ("promo[b2]", "regenerate"),
        ("promo[c3]", "regenerate"),
    ]


def test_a_changed_template_is_held_to_max_regenerations(bulk: Bulk) -> None:
    config = bulk.env.root / "vidspec.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("max_regenerations: 50", "max_regenerations: 2"),
        encoding="utf-8",
    )
    bulk.greeting = "Try"
    bulk.write()
    with pytest.raises(UnsafePlan, match=r"regenerates 3 videos; safety\.max_regenerations is 2"):
        bulk.env.apply()
    assert bulk.env.kinds() == [(f"promo[{k}]", "regenerate") for k in ROWS]


def test_target_and_replace_take_a_definition_or_one_instance(bulk: Bulk) -> None:
    bulk.greeting = "Try"
    bulk.rows["d4"] = "Lantern"
    bulk.write()
    assert bulk.env.kinds(bulk.env.plan(targets=("promo[b2]",))) == [("promo[b2]", "regenerate")]
    assert len(bulk.env.plan(targets=("promo",)).actions) == 4
    bulk.greeting = "Buy"
    del bulk.rows["d4"]
    bulk.write()
    replaced = bulk.env.plan(replace=("promo",))
    assert bulk.env.kinds(replaced) == [(f"promo[{k}]", "regenerate") for k in ROWS]
    assert {a.reason for a in replaced.actions} == {"replacement requested"}
