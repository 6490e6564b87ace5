"""``VidnozCatalog``: reading the avatar and voice lists, and its pure ``problems(spec)``."""

from __future__ import annotations

import pytest

from vidspec.core.errors import ProviderError
from vidspec.emulator.vidnoz import catalog as served
from vidspec.providers.base import CatalogProblem, Quota
from vidspec.providers.vidnoz.catalog import VidnozCatalog

ANNA = "Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09"  # styles 1, 2, 3
SOFIA = "U29maWFIYWxmQm9keTAxMg=="  # styles 2, 3
LENA = "TGVuYVJvdW5kT25seTA1Ng=="  # style 3 only
JENNY = "d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0="
SONIA = "U29uaWFOZXVyYWxFbkdCMDI="  # normal only


@pytest.fixture
def catalog() -> VidnozCatalog:
    """The catalog as the emulator serves it."""
    return VidnozCatalog.from_lists(served.avatar_list(), served.voice_list())


def tts(voice: str = JENNY, **more: object) -> dict[str, object]:
    return {"tts": {"id": voice, "text": "Hello.", **more}}


def test_reading_the_served_lists(catalog):
    assert len(catalog.avatars) == len(served.AVATARS)
    assert len(catalog.voices) == len(served.VOICES)
    sofia = catalog.avatar(SOFIA)
    assert sofia is not None and (sofia.name, sofia.gender, sofia.styles) == (
        "Sofia",
        "female",
        (2, 3),
    )
    sonia = catalog.voice(SONIA)
    assert sonia is not None and (sonia.language, sonia.emotions) == ("en-GB", ("normal",))
    assert catalog.quota == Quota("credits", None, None)


def test_a_consistent_body_has_no_problems(catalog):
    spec = {"avatar": {"id": SOFIA, "style": 2}, "voice": tts(emotion="happy")}
    assert catalog.problems(spec) == []
    assert catalog.problems({"avatar": {"id": ANNA}, "voice": {"silence": {"duration": 3}}}) == []


def test_every_problem_is_reported_at_its_path(catalog):
    spec = {"avatar": {"id": "nobody", "style": 3}, "voice": tts("nobody")}
    problems = catalog.problems(spec)
    assert [p.path for p in problems] == ["avatar.id", "voice.tts.id"]
    assert problems[0].message == "unknown avatar 'nobody'"
    assert problems[0].hint.startswith("avatars of this account: Anna (Rk1nN090")
    assert problems[1].message == "unknown voice 'nobody'"
    assert "Jenny (d0VWUk5S" in problems[1].hint


def test_a_style_the_avatar_does_not_offer(catalog):
    assert catalog.problems({"avatar": {"id": LENA, "style": 2}, "voice": tts()}) == [
        CatalogProblem(
            "avatar.style",
            f"avatar Lena ({LENA}) does not offer style 2 (half body)",
            "styles of this avatar: 3 (round close-up)",
        )
    ]


def test_the_default_style_counts_when_none_is_given(catalog):
    (problem,) = catalog.problems({"avatar": {"id": SOFIA}, "voice": tts()})
    assert problem.path == "avatar.style"
    assert problem.message.endswith("does not offer style 1 (full body) (the default)")


def test_an_emotion_the_voice_does_not_offer(catalog):
    (problem,) = catalog.problems({"avatar": {"id": ANNA}, "voice": tts(SONIA, emotion="sad")})
    assert problem == CatalogProblem(
        "voice.tts.emotion",
        f"voice Sonia ({SONIA}) does not offer the emotion 'sad'",
        "emotions of this voice: normal",
    )


def test_what_the_schema_reports_is_left_alone(catalog):
    assert catalog.problems({}) == []
    assert catalog.problems({"avatar": "Anna", "voice": {"tts": "x"}}) == []


def test_problems_is_pure(catalog):
    spec = {"avatar": {"id": SOFIA}, "voice": tts(SONIA, emotion="sad")}
    assert catalog.problems(spec) == catalog.problems(spec)
    assert spec == {"avatar": {"id": SOFIA}, "voice": tts(SONIA, emotion="sad")}


def test_other_shapes_public_clients_read_are_understood():
    catalog = VidnozCatalog.from_lists(
        [{"avatar_id": "a1", "name": "A"}, {"name": "no id"}],
        {"list": [{"voice_id": "v1", "style_list": ["calm"]}]},
    )
    assert [a.id for a in catalog.avatars] == ["a1"] and catalog.avatars[0].styles == ()
    assert catalog.voices[0].emotions == ("calm",)
    # an avatar that lists no styles is assumed to offer every one; likewise emotions
    assert catalog.problems({"avatar": {"id": "a1", "style": 3}, "voice": tts("v1")}) == []
    assert [p.path for p in catalog.problems({"voice": tts("v1", emotion="sad")})] == [
        "voice.tts.emotion"
    ]


def test_an_answer_without_a_list_is_a_provider_error():
    with pytest.raises(ProviderError, match="no list under avatars or list or items"):
        VidnozCatalog.from_lists({"total": 0}, [])


def test_to_json_is_the_neutral_catalog_document(catalog):
    doc = catalog.to_json()
    assert set(doc) == {"actors", "voices", "backgrounds", "quota"}
    anna = next(a for a in doc["actors"] if a["id"] == ANNA)
    assert anna["name"] == "Anna" and anna["styles"] == [1, 2, 3]
    assert anna["style"] == "1 (full body), 2 (half body), 3 (round close-up)"
    jenny = next(v for v in doc["voices"] if v["id"] == JENNY)
    assert jenny["language"] == "en-US" and "cheerful" in jenny["emotions"]
    assert doc["backgrounds"] == []
    assert doc["quota"] == {"unit": "credits", "limit": None, "left": None}
