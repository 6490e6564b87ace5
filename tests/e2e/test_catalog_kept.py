"""The catalog a plan read, kept in ``.vidspec/catalog.json`` (issue 13, items 12 and 21).

``validate`` checks the manifests against it (saying its age, with did-you-mean suggestions);
a Vidnoz plan reuses it while it is younger than ``provider.catalog_max_age``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apply_env import ApplyEnv, make_env, make_vidnoz_env, simple_videos, vidnoz_videos
from cli_run import Cli

from vidspec.app.workflow import PlanRequest, make_plan
from vidspec.core.clock import SystemClock
from vidspec.core.errors import ManifestError
from vidspec.core.times import format_time


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli)


@pytest.fixture
def vidnoz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_vidnoz_env(tmp_path, monkeypatch, cli)


def _age_kept_catalog(env: ApplyEnv, minutes: int) -> None:
    path = env.root / ".vidspec" / "catalog.json"
    doc = json.loads(path.read_text())
    doc["fetched_at"] = format_time(SystemClock().now() - timedelta(minutes=minutes, seconds=5))
    path.write_text(json.dumps(doc))


def test_validate_checks_against_the_catalog_a_plan_kept(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(env.root)
    videos = simple_videos(1)
    videos["video-00"]["voice"] = "Sarah"
    env.write_videos(videos)
    # no kept catalog yet: validate cannot know the voice, and says so (test_validate_catalog)
    code, out, err = env.run("validate")
    assert (code, out) == (0, "1 video in 1 file is valid.\n")
    assert err.startswith("Not checked against the provider's catalog")
    code, _, err = env.run("plan")
    assert code == 1 and "unknown voice 'Sarah'" in err
    assert (env.root / ".vidspec" / "catalog.json").is_file()
    _age_kept_catalog(env, 5)
    code, out, err = env.run("validate")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "videos/main.yaml:8:5: unknown voice 'Sarah' (did you mean 'Sara'? voices of this "
        "account: Alena, Filipp, Guy, Mia, Sara)",
        "1 problem found.",
        "Checked against the provider's catalog, read 5 minutes ago (.vidspec/catalog.json).",
    ]


def test_validate_says_the_age_of_the_catalog_when_all_is_well(
    env: ApplyEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(env.root)
    env.write_videos(simple_videos(1))
    assert env.run("plan")[0] == 0
    code, out, err = env.run("validate")
    assert (code, out) == (0, "1 video in 1 file is valid.\n")
    assert err == "Checked against the provider's catalog, read just now (.vidspec/catalog.json).\n"


def test_did_you_mean_for_actors_and_backgrounds(env: ApplyEnv) -> None:
    videos = simple_videos(1)
    env.write_videos(videos)
    assert env.run("plan")[0] == 0
    env.write(
        (env.root / "videos" / "main.yaml").read_text().replace("name: Natalia", "name: Natalya")
        + "    background: glob\n"
    )
    with pytest.raises(ManifestError) as raised:
        env.plan()
    text = str(raised.value)
    assert "unknown actor 'Natalya' (did you mean 'Natalia'? actors of this account:" in text
    assert "unknown background 'glob' (did you mean 'globe'? backgrounds of this account:" in text


def test_vidnoz_suggests_the_avatar_whose_name_was_written_for_its_id(vidnoz: ApplyEnv) -> None:
    vidnoz.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    vidnoz.plan()
    vidnoz.write(
        (vidnoz.root / "videos" / "main.yaml").read_text().replace("{id: Rk1n", "{id: Rk1m")
    )
    code, _, err = vidnoz.run("validate")
    assert code == 1
    assert (
        "unknown avatar 'Rk1mN090NnZQWXlSZW5oSHJlSlhWdz09' (did you mean Anna "
        "(Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09)? avatars of this account:"
    ) in err


# --- item 21: Vidnoz reuses the kept catalog ----------------------------------------------------


def _requests(env: ApplyEnv, **request: object) -> int:
    result = make_plan(env.project, PlanRequest(**request), env.clock, environ=env.environ)  # type: ignore[arg-type]
    return result.requests


def test_vidnoz_reuses_a_young_catalog_and_reads_an_old_one_again(vidnoz: ApplyEnv) -> None:
    vidnoz.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    assert _requests(vidnoz) == 3  # avatars, voices, one listing page
    vidnoz.clock.advance(9 * 60)
    assert _requests(vidnoz) == 1  # the listing only
    assert _requests(vidnoz, refresh_catalog=True) == 3
    vidnoz.clock.advance(10 * 60)
    assert _requests(vidnoz) == 3  # older than 10 minutes: read again


def test_vidnoz_catalog_max_age_is_a_setting(vidnoz: ApplyEnv) -> None:
    text = (vidnoz.root / "vidspec.yaml").read_text()
    (vidnoz.root / "vidspec.yaml").write_text(
        text.replace(
            "api_key: env/VIDNOZ_API_KEY}", "api_key: env/VIDNOZ_API_KEY, catalog_max_age: 0s}"
        )
    )
    vidnoz.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    assert _requests(vidnoz) == 3
    assert _requests(vidnoz) == 3


def test_cdnvideo_always_reads_its_catalog(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    assert _requests(env) == 2  # configurations, one listing page
    assert _requests(env) == 2  # its quota could be stale: never reused


def test_plan_has_a_refresh_catalog_option(env: ApplyEnv) -> None:
    env.write_videos(simple_videos(1))
    code, _, err = env.run("plan", "--refresh-catalog")
    assert code == 0, err
    kept = json.loads((env.root / ".vidspec" / "catalog.json").read_text())
    assert kept["provider"] == {
        "kind": "cdnvideo",
        "account": "acme",
        "base_url": env.server.base_url,
    }
    assert kept["source"]["voices"]["Sara"]["name"] == "en-US-SaraNeural"


def test_a_catalog_kept_for_another_account_is_not_used(vidnoz: ApplyEnv) -> None:
    vidnoz.write_videos(vidnoz_videos(1))  # type: ignore[arg-type]
    assert _requests(vidnoz) == 3
    path = vidnoz.root / ".vidspec" / "catalog.json"
    doc = json.loads(path.read_text())
    doc["provider"]["base_url"] = "https://elsewhere.example"
    path.write_text(json.dumps(doc))
    assert _requests(vidnoz) == 3
    path.write_text("{not json")
    assert _requests(vidnoz) == 3
