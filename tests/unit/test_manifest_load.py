"""load_desired: the Desired value the rest of vidspec reads (bodies, hashes, locations)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from repo_paths import EXAMPLES

from vidspec.core.errors import ManifestError
from vidspec.core.location import SourceLocation
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired, Lifecycle, MovedBlock, spec_hash

ACTOR = "{name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def load(files: dict[str, str], project: str = "version: 1\n") -> Desired:
    for name, content in {"vidspec.yaml": project, **files}.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return load_desired(load_project(Path(".")))


def test_defaults_merge_project_then_file_then_video_and_the_video_wins() -> None:
    desired = load(
        {
            "videos/a.yaml": "defaults:\n"
            "  voice: Mia\n"
            "  composition: {frame_style: circle, location: lowerleft}\n"
            "videos:\n"
            "  hello:\n"
            "    script: Hi\n"
            "    composition: {location: upperright}\n"
            "    lifecycle: {ignore_changes: [video_name]}\n"
            "    download: out/./hello.mp4\n"
        },
        project="version: 1\n"
        "defaults:\n"
        f"  actor: {ACTOR}\n"
        "  voice: Sara\n"
        "  background: globe\n"
        "  lifecycle: {prevent_destroy: true, regenerate_before_expiry: 12h}\n",
    )
    video = desired.videos["hello"]
    assert video.spec == {
        "actor": {
            "name": "Natalia",
            "version": "4.0.0",
            "style": "dressshirt",
            "shot": "waist",
            "size": "HD",
        },
        "voice": "Mia",
        "background": "globe",
        "composition": {"frame_style": "circle", "location": "upperright"},
        "script": "Hi",
    }
    assert video.spec_hash == spec_hash(video.spec)
    assert video.lifecycle == Lifecycle(
        prevent_destroy=True,
        ignore_changes=("video_name",),
        create_before_destroy=True,
        regenerate_before_expiry=timedelta(hours=12),
    )
    assert video.download == "out/hello.mp4"
    assert video.location == SourceLocation("videos/a.yaml", 5, 3)
    where = {path: str(loc) for path, loc in video.field_locations.items()}
    assert where == {
        "actor": "vidspec.yaml:3:3",
        "actor.name": "vidspec.yaml:3:11",
        "actor.version": "vidspec.yaml:3:26",
        "actor.style": "vidspec.yaml:3:42",
        "actor.shot": "vidspec.yaml:3:61",
        "actor.size": "vidspec.yaml:3:74",
        "voice": "videos/a.yaml:2:3",
        "background": "vidspec.yaml:5:3",
        "composition": "videos/a.yaml:7:5",
        "composition.frame_style": "videos/a.yaml:3:17",
        "composition.location": "videos/a.yaml:7:19",
        "script": "videos/a.yaml:6:5",
        # vidspec's own fields too, each where its winning value was written
        "lifecycle": "videos/a.yaml:8:5",
        "lifecycle.prevent_destroy": "vidspec.yaml:6:15",
        "lifecycle.regenerate_before_expiry": "vidspec.yaml:6:38",
        "lifecycle.ignore_changes": "videos/a.yaml:8:17",
        "lifecycle.ignore_changes.0": "videos/a.yaml:8:34",
        "download": "videos/a.yaml:9:5",
    }
    assert str(video.location_of("actor.version")) == "vidspec.yaml:3:26"
    assert str(video.location_of("lifecycle.prevent_destroy")) == "vidspec.yaml:6:15"
    assert desired.provider_kind == "sandbox"
    assert desired.files == ("videos/a.yaml",)


def test_file_defaults_stay_in_their_file() -> None:
    desired = load(
        {
            "videos/a.yaml": "defaults: {voice: Mia}\n"
            f"videos:\n  a: {{script: A, actor: {ACTOR}}}\n",
            "videos/b.yaml": f"videos:\n  b: {{script: B, voice: Sara, actor: {ACTOR}}}\n",
        }
    )
    assert desired.videos["a"].spec["voice"] == "Mia"
    assert desired.videos["b"].spec["voice"] == "Sara"
    assert list(desired.videos) == ["a", "b"]


def test_file_reference_reads_utf8_text_relative_to_the_manifest() -> None:
    ssml = '<speak>Привет!<break time="500ms"/>Welcome.</speak>'
    desired = load(
        {
            "videos/team/a.yaml": "videos:\n  hello:\n    script: {file: ../scripts/hello.ssml}\n"
            f"    voice: Sara\n    actor: {ACTOR}\n",
            "videos/scripts/hello.ssml": ssml + "\n",
        }
    )
    video = desired.videos["hello"]
    assert video.spec["script"] == ssml  # the final newline editors add is not part of it
    assert str(video.field_locations["script"]) == "videos/team/a.yaml:3:5"
    assert "script.file" not in video.field_locations


def test_file_reference_in_project_defaults_is_relative_to_vidspec_yaml() -> None:
    desired = load(
        {
            "texts/common.txt": "Common text",
            "videos/a.yaml": f"videos:\n  a: {{voice: Sara, actor: {ACTOR}}}\n",
        },
        project="version: 1\ndefaults: {script: {file: texts/common.txt}}\n",
    )
    assert desired.videos["a"].spec["script"] == "Common text"


def test_yaml_anchors_are_shared_but_bodies_stay_independent() -> None:
    desired = load(
        {
            "videos/a.yaml": "videos:\n"
            f"  a: {{script: A, voice: Sara, actor: &natalia {ACTOR}}}\n"
            "  b: {script: B, voice: Sara, actor: *natalia}\n"
        }
    )
    assert desired.videos["a"].spec["actor"] == desired.videos["b"].spec["actor"]
    assert desired.videos["a"].spec_hash != desired.videos["b"].spec_hash


def test_moves_are_returned() -> None:
    desired = load(
        {
            "videos/a.yaml": f"videos:\n  welcome: {{script: A, voice: Sara, actor: {ACTOR}}}\n"
            "moved:\n  - {from: intro, to: welcome}\n"
        }
    )
    assert desired.moves == (MovedBlock("intro", "welcome", SourceLocation("videos/a.yaml", 4, 5)),)


def test_videos_in_vidspec_yaml_itself() -> None:
    desired = load(
        {},
        project="version: 1\n"
        f"defaults: {{actor: {ACTOR}, voice: Sara}}\n"
        "videos:\n  solo: {script: Just me}\n",
    )
    assert desired.files == ("vidspec.yaml",)
    assert desired.videos["solo"].spec["voice"] == "Sara"


def test_the_hash_is_stable_and_follows_the_body_only() -> None:
    body = f"videos:\n  a: {{script: A, voice: Sara, actor: {ACTOR}}}\n"
    first = load({"videos/a.yaml": body}).videos["a"]
    again = load(
        {"videos/a.yaml": body.replace("}}", "}, lifecycle: {prevent_destroy: true}}")}
    ).videos["a"]
    assert first.spec_hash == again.spec_hash  # lifecycle is vidspec's, not the body's
    assert first.spec_hash.startswith("sha256:")


def test_vidnoz_projects_use_the_avatar_fields() -> None:
    desired = load(
        {
            "videos/a.yaml": "defaults:\n  avatar: {id: av-1, style: 2}\n  aspect: 3\n"
            "videos:\n"
            "  promo:\n"
            "    name: Promo\n"
            "    voice: {tts: {id: v-7, text: {file: promo.txt}, speed: 1.2, pitch: -10}}\n"
            "    background: {media: {url: 'https://example.com/bg.png', fit: 1}}\n",
            "videos/promo.txt": "Buy now.",
        },
        project="version: 1\nprovider: {kind: vidnoz, api_key: env/VIDNOZ_API_KEY}\n",
    )
    assert desired.videos["promo"].spec == {
        "avatar": {"id": "av-1", "style": 2},
        "aspect": 3,
        "name": "Promo",
        "voice": {"tts": {"id": "v-7", "text": "Buy now.", "speed": 1.2, "pitch": -10}},
        "background": {"media": {"url": "https://example.com/bg.png", "fit": 1}},
    }


def test_vidnoz_rejects_cdnvideo_fields() -> None:
    with pytest.raises(ManifestError) as caught:
        load(
            {
                "videos/a.yaml": "videos:\n"
                "  a: {script: Hi, voice: {silence: {}}, avatar: {id: x}}\n"
            },
            project="version: 1\nprovider: {kind: vidnoz, api_key: env/K}\n",
        )
    assert [str(p) for p in caught.value.problems] == [
        "videos/a.yaml:2:7: unknown field 'script' (known fields here: name, aspect, avatar, "
        "voice, background, lifecycle, download, for_each)"
    ]


def test_the_example_quickstart_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    root = EXAMPLES / "quickstart"
    monkeypatch.chdir(root)
    desired = load_desired(load_project(Path(".")))
    assert sorted(desired.videos) == ["first-day", "security-basics", "welcome"]
    welcome = desired.videos["welcome"]
    assert welcome.spec["script"].startswith("<speak>")
    assert '<break time="500ms"/>' in welcome.spec["script"]
    assert welcome.spec["composition"]["frame_style"] == "circle"
    assert welcome.download == "out/welcome.mp4"
