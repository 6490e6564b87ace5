"""The CDNvideo catalog: reading ``/configurations`` and checking request bodies against it.

``problems`` is pure, so most tests build the catalog from the emulator's configurations
document directly. One test sends every case to the emulator and checks that ``problems``
and the service agree on what is refused.
"""

from __future__ import annotations

from typing import Any

import pytest

from vidspec.core.clock import ManualClock
from vidspec.core.errors import InvalidRequest, ProviderError
from vidspec.emulator import EmulatorSettings, serve
from vidspec.emulator.cdnvideo.catalog import configurations
from vidspec.providers.base import Catalog, Rate
from vidspec.providers.cdnvideo.catalog import CdnvideoCatalog
from vidspec.providers.cdnvideo.provider import CdnvideoProvider

CATALOG = CdnvideoCatalog.from_configurations(configurations(560.0, 544.0))
BASE: dict[str, Any] = {
    "script": "Hello! This is the text I am speaking.",
    "actor": {
        "name": "Natalia",
        "version": "4.0.0",
        "style": "dressshirt",
        "shot": "waist",
        "size": "HD",
    },
    "voice": "Sara",
    "background": "green_screen",
    "video_name": "Awesome Video!",
}


def _with(**changes: Any) -> dict[str, Any]:
    spec = {**BASE, "actor": dict(BASE["actor"])}
    for key, value in changes.items():
        if key.startswith("actor_"):
            name = key.removeprefix("actor_")
            if value is None:
                spec["actor"].pop(name, None)
            else:
                spec["actor"][name] = value
        elif value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    return spec


def _paths(spec: dict[str, Any]) -> list[str]:
    return [p.path for p in CATALOG.problems(spec)]


def test_it_satisfies_the_catalog_protocol_and_reads_the_seed_example():
    assert isinstance(CATALOG, Catalog)
    assert CATALOG.quota.limit == 560.0 and CATALOG.quota.left == 544.0
    assert CATALOG.watermark is False
    natalia = {a.version: a for a in CATALOG.actors if a.actor == "Natalia"}
    assert natalia["1.0.0"].style == "suitjacket" and natalia["4.0.0"].style == "dressshirt"
    assert natalia["4.0.0"].shot("waist").size == "HD"  # type: ignore[union-attr]
    alena = CATALOG.voice("Alena")
    assert alena is not None and alena.emotions == ("neutral", "good")


VALID = [
    BASE,
    _with(actor_version="latest"),
    _with(actor_version=None, actor_style=None, actor_size=None),
    _with(actor_version="1.0.0", actor_style="suitjacket"),
    _with(voice="Alena", emotion="good"),
    _with(emotion="neutral"),  # a voice without emotions speaks neutral
    _with(background=None),  # the default green screen
    _with(background="globe"),
    _with(
        actor_name="Ivan",
        actor_version="latest",
        actor_style="hoodie",
        actor_shot="closeup",
        actor_size="HD",
        voice="Guy",
    ),
    _with(
        actor_name="Ivan",
        actor_version=None,
        actor_style=None,
        actor_shot="full",
        actor_size=None,
        voice="Filipp",
        background="office",
    ),
]


@pytest.mark.parametrize("spec", VALID)
def test_consistent_bodies_have_no_problems(spec):
    assert CATALOG.problems(spec) == []


@pytest.mark.parametrize(
    ("spec", "path", "words"),
    [
        (_with(actor_name="Natalia_01"), "actor.name", "unknown actor 'Natalia_01'"),
        (_with(actor_version="2.0.0"), "actor.version", "has no version '2.0.0'"),
        (
            _with(actor_version="latest", actor_style="hoodie"),
            "actor.style",
            "bad style for Natalia-latest",
        ),
        (_with(actor_style="suitjacket"), "actor.style", "bad style for Natalia-4.0.0"),
        (_with(actor_shot="closeup"), "actor.shot", "bad shot for Natalia-4.0.0"),
        (_with(actor_size="4K"), "actor.size", "bad size for Natalia-4.0.0"),
        (_with(voice="Julia_01"), "voice", "unknown voice 'Julia_01'"),
        (
            _with(actor_version="1.0.0", actor_style="suitjacket", voice="Mia"),
            "voice",
            "voice Mia is not offered for Natalia 1.0.0",
        ),
        (_with(emotion="good"), "emotion", "voice Sara has no emotion 'good'"),
        (_with(voice="Alena", emotion="angry"), "emotion", "voice Alena has no emotion 'angry'"),
        (_with(background="moon"), "background", "unknown background 'moon'"),
        (_with(background="classroom"), "background", "background classroom has no HD size"),
        (
            _with(
                actor_name="Ivan",
                actor_version="latest",
                actor_style="hoodie",
                actor_shot="full",
                actor_size=None,
                voice="Guy",
            ),
            "actor",
            "no version of Ivan offers",
        ),
        (_with(script="x" * 3001), "script", "3001 characters, more than 3000"),
        (_with(script="word " * 560), "script", "about 3.3 minutes, more than 3"),
        (_with(video_name="n" * 36), "video_name", "36 characters, more than 35"),
    ],
)
def test_each_inconsistency_is_found_at_its_path(spec, path, words):
    found = CATALOG.problems(spec)
    assert [p.path for p in found] == [path]
    assert words in found[0].message
    assert found[0].hint  # says what is on offer or what to do


def test_every_problem_is_reported_not_only_the_first():
    spec = _with(actor_version="9.9.9", voice="Nobody", background="moon", video_name="n" * 40)
    assert _paths(spec) == ["actor.version", "voice", "background", "video_name"]


def test_the_hints_name_what_is_on_offer():
    (voice,) = CATALOG.problems(_with(actor_version="1.0.0", actor_style="suitjacket", voice="Mia"))
    assert voice.hint == "its voices: Alena, Sara"
    (background,) = CATALOG.problems(_with(background="classroom"))
    assert "its sizes: SD" in background.hint and "green_screen" in background.hint


def test_ssml_tags_do_not_count_towards_the_spoken_length():
    tagged = "<speak>" + "<break time='1ms'/>".join(["Hello there."] * 90) + "</speak>"
    assert 2520 < len(tagged) < 3000  # 2520 characters: 3 minutes at 14 a second
    assert CATALOG.problems(_with(script=tagged)) == []


def test_latest_resolves_to_the_newest_version_that_fits():
    resolved = CATALOG.resolve_actor({"name": "Ivan", "version": "latest", "shot": "waist"})
    assert resolved is not None and resolved.version == "2.1.0"
    resolved = CATALOG.resolve_actor({"name": "Ivan", "shot": "waist", "size": "SD"})
    assert resolved is not None and resolved.version == "1.0.0"
    assert CATALOG.resolve_actor({"name": "Ivan", "shot": "nope"}) is None


def test_to_json_is_the_provider_neutral_document():
    doc = CATALOG.to_json()
    assert set(doc) == {"actors", "voices", "backgrounds", "quota", "watermark"}
    assert doc["quota"] == {"unit": "minutes", "limit": 560.0, "left": 544.0}
    natalia4 = next(a for a in doc["actors"] if a["name"] == "Natalia" and a["version"] == "4.0.0")
    assert natalia4 == {
        "name": "Natalia",
        "version": "4.0.0",
        "style": "dressshirt",
        "gender": "female",
        "shots": [{"name": "waist", "size": "HD", "width": 512, "height": 720}],
        "voices": ["Alena", "Sara", "Mia"],
    }
    assert {
        "name": "Sara",
        "language": "en-EN",
        "gender": "female",
        "provider": "Microsoft",
        "emotions": ["neutral"],
    } in doc["voices"]
    assert {"name": "classroom", "sizes": ["SD"]} in doc["backgrounds"]


def test_an_answer_without_models_is_a_provider_error():
    with pytest.raises(ProviderError, match="no 'models'"):
        CdnvideoCatalog.from_configurations({"status": "ok"})


def test_problems_and_the_service_agree_on_what_is_refused():
    cases = [
        *VALID,
        _with(actor_version="latest", actor_style="hoodie"),
        _with(actor_shot="closeup"),
        _with(actor_size="4K"),
        _with(voice="Julia_01"),
        _with(actor_version="1.0.0", actor_style="suitjacket", voice="Mia"),
        _with(emotion="good"),
        _with(background="classroom"),
        _with(script="x" * 3001),
        _with(video_name="n" * 36),
    ]
    clock = ManualClock()
    settings = EmulatorSettings(token="t", post_limit=Rate(100, 60.0))
    with serve(settings, clock=clock) as server:
        client = CdnvideoProvider(account="a", base_url=server.base_url, token="t", clock=clock)
        catalog = client.catalog()
        try:
            for spec in cases:
                predicted = catalog.problems(spec)
                try:
                    client.create(spec)
                    refused = None
                except InvalidRequest as exc:
                    refused = exc.server_message
                assert bool(predicted) == (refused is not None), (spec, predicted, refused)
        finally:
            client.close()
