"""Every documented limit the schemas encode, one case each, with the exact message line.

Each case starts from a valid video and changes one field; ``None`` means the value is at the
limit and must pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

CDNVIDEO = (
    "videos:\n  v:\n    script: Hi\n    voice: Sara\n    actor: {name: Natalia, shot: waist}\n"
)
VIDNOZ = "videos:\n  v:\n    avatar: {id: a1}\n    voice: {tts: {id: v1, text: Hi}}\n"
PROJECTS = {
    "cdnvideo": "version: 1\nprovider: {kind: cdnvideo, account: acme, token: env/T}\n",
    "sandbox": "version: 1\n",
    "vidnoz": "version: 1\nprovider: {kind: vidnoz, api_key: env/K}\n",
}
SIZES = "'SD', 'HD', 'FullHD', '4K'"
CORNERS = "'upperleft', 'upperright', 'lowerleft', 'lowerright'"
COLOUR = "not a colour written #RRGGBB (write it like #1A2B3C)"
UNIT = "out of range (use a number greater than 0 and at most 1)"
SHIFT = "out of range (use a number from -1 to 1)"
ONE_VOICE = (
    "voice needs exactly one of tts, file and silence "
    "(keep one of voice.tts, voice.file or voice.silence)"
)
ONE_MEDIA = "needs exactly one of asset_id and url (keep either asset_id or url)"

CASES: list[tuple[str, str, list[str] | None]] = [
    # CDNvideo (and the sandbox, which speaks it)
    ("sandbox", "    script: " + "a" * 3000, None),
    (
        "sandbox",
        "    script: " + "a" * 3001,
        ["5:5: script is 3,001 characters long, over the limit of 3,000 (shorten it)"],
    ),
    ("sandbox", "    script: ''", ["5:5: script is empty (write a value or remove the field)"]),
    ("cdnvideo", "    video_name: " + "n" * 35, None),
    (
        "cdnvideo",
        "    video_name: " + "n" * 36,
        ["6:5: video_name is 36 characters long, over the limit of 35 (shorten it)"],
    ),
    (
        "cdnvideo",
        "    video_name: ''",
        ["6:5: video_name is empty (write a value or remove the field)"],
    ),
    ("cdnvideo", "    actor: {name: Natalia, shot: waist, size: FullHD}", None),
    (
        "cdnvideo",
        "    actor: {name: Natalia, shot: waist, size: 8K}",
        [f"5:41: actor.size is '8K', not one of {SIZES} (use one of them)"],
    ),
    (
        "sandbox",
        "    actor: {name: Natalia, shot: waist, size: hd}",
        [f"5:41: actor.size is 'hd', not one of {SIZES} (did you mean 'HD'?)"],
    ),
    ("cdnvideo", "    composition: {scale: 1, crop: 1, shift: -1}", None),
    ("cdnvideo", "    composition: {scale: 0}", [f"6:19: composition.scale is 0, {UNIT}"]),
    ("cdnvideo", "    composition: {scale: 1.01}", [f"6:19: composition.scale is 1.01, {UNIT}"]),
    ("cdnvideo", "    composition: {crop: -0.5}", [f"6:19: composition.crop is -0.5, {UNIT}"]),
    ("cdnvideo", "    composition: {shift: 1.01}", [f"6:19: composition.shift is 1.01, {SHIFT}"]),
    ("cdnvideo", "    composition: {shift: -1.5}", [f"6:19: composition.shift is -1.5, {SHIFT}"]),
    (
        "cdnvideo",
        "    composition: {frame_style: circle, background_color: '#A1b2C3', location: lowerleft}",
        None,
    ),
    (
        "cdnvideo",
        "    composition: {frame_style: circle, border_color: '#12345'}",
        [f"6:40: composition.border_color is '#12345', {COLOUR}"],
    ),
    (
        "cdnvideo",
        "    composition: {frame_style: circle, background_color: '#12345G'}",
        [f"6:40: composition.background_color is '#12345G', {COLOUR}"],
    ),
    (
        "cdnvideo",
        "    composition: {frame_style: circle, location: middle}",
        [f"6:40: composition.location is 'middle', not one of {CORNERS} (use one of them)"],
    ),
    (
        "cdnvideo",
        "    composition: {orientation: diagonal}",
        [
            "6:19: composition.orientation is 'diagonal', not one of 'horizontal', 'vertical' "
            "(use one of them)"
        ],
    ),
    (
        "cdnvideo",
        "    composition: {frame_style: oval}",
        [
            "6:19: composition.frame_style is 'oval', not one of 'rectangle', 'circle' "
            "(use one of them)"
        ],
    ),
    (
        "cdnvideo",
        "    composition: {frame_style: circle, scale: 0.5}",
        [
            "6:40: composition.scale applies only to frame_style: rectangle "
            "(remove it, or set composition.frame_style: rectangle)"
        ],
    ),
    (
        "cdnvideo",
        "    composition: {location: upperleft}",
        [
            "6:19: composition.location applies only to frame_style: circle "
            "(remove it, or set composition.frame_style: circle)"
        ],
    ),
    (
        "cdnvideo",
        "    circle: {location: upperleft, border_color: '#000000', background_color: '#FFFFFF'}",
        None,
    ),
    (
        "cdnvideo",
        "    circle: {location: middle, border_color: black}",
        [
            f"6:14: circle.location is 'middle', not one of {CORNERS} (use one of them)",
            f"6:32: circle.border_color is 'black', {COLOUR}",
        ],
    ),
    (
        "cdnvideo",
        "    circle: {radius: 3}",
        [
            "6:14: unknown field 'circle.radius' "
            "(known fields here: location, border_color, background_color)"
        ],
    ),
    # Vidnoz
    ("vidnoz", "    aspect: 2", None),
    ("vidnoz", "    aspect: 4", ["5:5: aspect is 4, not one of 1, 2, 3 (use one of them)"]),
    (
        "vidnoz",
        "    avatar: {id: a1, style: 3, circle_bgcolor: '#ffffff', scale: 1.5, "
        "offset: {x: -10, y: 5}}",
        None,
    ),
    (
        "vidnoz",
        "    avatar: {id: a1, style: 0}",
        ["4:22: avatar.style is 0, not one of 1, 2, 3 (use one of them)"],
    ),
    ("vidnoz", "    voice: {tts: {id: v1, text: Hi, speed: 0.5, pitch: -50}}", None),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: Hi, speed: 0.4}}",
        ["4:37: voice.tts.speed is 0.4, out of range (use a number from 0.5 to 1.5)"],
    ),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: Hi, speed: 1.6}}",
        ["4:37: voice.tts.speed is 1.6, out of range (use a number from 0.5 to 1.5)"],
    ),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: Hi, pitch: 51}}",
        ["4:37: voice.tts.pitch is 51, out of range (use a whole number from -50 to 50)"],
    ),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: Hi, pitch: 1.5}}",
        [
            "4:37: voice.tts.pitch must be a whole number, not a decimal number "
            "(write a whole number)"
        ],
    ),
    ("vidnoz", "    voice: {silence: {duration: 99}}", None),
    (
        "vidnoz",
        "    voice: {silence: {duration: 0}}",
        ["4:23: voice.silence.duration is 0, out of range (use a whole number from 1 to 99)"],
    ),
    (
        "vidnoz",
        "    voice: {silence: {duration: 100}}",
        ["4:23: voice.silence.duration is 100, out of range (use a whole number from 1 to 99)"],
    ),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: Hi}, silence: {duration: 2}}",
        [f"4:5: {ONE_VOICE}"],
    ),
    ("vidnoz", "    voice: {}", [f"4:5: {ONE_VOICE}"]),
    ("vidnoz", "    voice: {file: {url: 'https://a.b/c.mp3'}}", None),
    (
        "vidnoz",
        "    voice: {file: {asset_id: x, url: 'https://a.b/c.mp3'}}",
        [f"4:13: voice.file {ONE_MEDIA}"],
    ),
    (
        "vidnoz",
        "    voice: {tts: {id: v1}}",
        ["4:13: missing field 'voice.tts.text' in video 'v' (add it to the video or to defaults)"],
    ),
    ("vidnoz", "    voice: {tts: {id: v1, text: " + "t" * 4999 + "}}", None),
    (
        "vidnoz",
        "    voice: {tts: {id: v1, text: " + "t" * 5000 + "}}",
        ["4:27: voice.tts.text is 5,000 characters long, over the limit of 4,999 (shorten it)"],
    ),
    (
        "vidnoz",
        "    background: {media: {url: 'https://a.b/c.png', fit: 2}}",
        ["5:52: background.media.fit is 2, not one of 0, 1 (use one of them)"],
    ),
    ("vidnoz", "    background: {media: {fit: 1}}", [f"5:18: background.media {ONE_MEDIA}"]),
    (
        "vidnoz",
        "    background: {color: '#fff', media: {asset_id: a, url: 'https://a.b/c.png'}}",
        [f"5:18: background.color is '#fff', {COLOUR}", f"5:33: background.media {ONE_MEDIA}"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "line", "expected"),
    CASES,
    ids=[f"{kind}-{line.strip()[:40]}" for kind, line, _ in CASES],
)
def test_limit(
    kind: str,
    line: str,
    expected: list[str] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    key = line.strip().split(":")[0]
    base = VIDNOZ if kind == "vidnoz" else CDNVIDEO
    kept = [row for row in base.splitlines() if not row.strip().startswith(f"{key}:")]
    (tmp_path / "vidspec.yaml").write_text(PROJECTS[kind], encoding="utf-8")
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "a.yaml").write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")
    if expected is None:
        assert "v" in load_desired(load_project(tmp_path)).videos
        return
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(tmp_path))
    assert [str(p) for p in caught.value.problems] == [f"videos/a.yaml:{e}" for e in expected]
