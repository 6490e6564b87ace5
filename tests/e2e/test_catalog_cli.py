"""``vidspec catalog`` end to end: a project file in tmp_path, the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vidspec.app.catalog import fetch_catalog_document
from vidspec.core.clock import ManualClock
from vidspec.emulator import EmulatorServer, EmulatorSettings, serve
from vidspec.emulator.cdnvideo.catalog import configurations
from vidspec.providers.cdnvideo.catalog import CdnvideoCatalog
from vidspec.render.catalog import render_catalog

GOLDEN = """\
Actors
  NAME     VERSION  STYLE       GENDER  SHOTS (SIZE)                             VOICES
  Ivan     1.0.0    hoodie      male    closeup (HD), waist (SD)                 Filipp, Guy
  Ivan     2.0.0    suit        male    closeup (4K), full (HD), waist (FullHD)  Filipp, Guy
  Ivan     2.1.0    suit        male    waist (4K)                               Filipp, Guy, Sara
  Natalia  1.0.0    suitjacket  female  waist (HD)                               Alena, Sara
  Natalia  4.0.0    dressshirt  female  waist (HD)                               Alena, Sara, Mia

Voices
  NAME    LANGUAGE  GENDER  PROVIDER   EMOTIONS
  Alena   ru-RU     female  Yandex     neutral, good
  Filipp  ru-RU     male    Yandex     neutral, strict
  Guy     en-EN     male    Microsoft  neutral
  Mia     en-EN     female  Microsoft  neutral
  Sara    en-EN     female  Microsoft  neutral

Backgrounds
  NAME          SIZES
  background_1  SD, HD
  classroom     SD
  globe         SD, HD
  green_screen  SD, HD, FullHD, 4K
  office        HD, FullHD, 4K

Quota: 544 of 560 minutes left.
"""


def _write_project(root: Path, provider: str) -> Path:
    (root / "vidspec.yaml").write_text(f"version: 1\nprovider:\n{provider}", encoding="utf-8")
    return root


@pytest.fixture
def sandbox_project(tmp_path: Path) -> Path:
    return _write_project(tmp_path, "  kind: sandbox\n")


def test_catalog_prints_readable_tables_offline(cli, sandbox_project):
    code, out, err = cli("-C", str(sandbox_project), "catalog")
    assert (code, err) == (0, "")
    assert out == GOLDEN
    assert (sandbox_project / ".vidspec" / "sandbox").is_dir()


def test_catalog_json_is_the_catalog_document(cli, sandbox_project):
    code, out, _ = cli("-C", str(sandbox_project), "catalog", "--json")
    assert code == 0
    expected = CdnvideoCatalog.from_configurations(configurations(560.0, 544.0)).to_json()
    assert json.loads(out) == expected


def test_catalog_without_a_provider_section_uses_the_sandbox(cli, tmp_path):
    (tmp_path / "vidspec.yaml").write_text("version: 1\n", encoding="utf-8")
    code, out, _ = cli("-C", str(tmp_path), "catalog")
    assert code == 0 and out == GOLDEN


@pytest.fixture
def emulator_settings() -> EmulatorSettings:
    return EmulatorSettings(token="cli-SECRET-token", account="acme")


def test_with_cdnvideo_credentials_the_catalog_is_one_request(
    cli, tmp_path, emulator: EmulatorServer, monkeypatch
):
    monkeypatch.setenv("CDN_TOKEN", "cli-SECRET-token")
    root = _write_project(
        tmp_path,
        f"  kind: cdnvideo\n  account: acme\n  base_url: {emulator.base_url}\n"
        "  token: env/CDN_TOKEN\n",
    )
    code, out, err = cli("-C", str(root), "-vv", "catalog", "--json")
    assert code == 0
    assert json.loads(out)["quota"] == {"unit": "minutes", "limit": 560.0, "left": 544.0}
    assert emulator.request_log == [("GET", "/app/th-api/v1/accounts/acme/configurations", 200)]
    assert "cli-SECRET-token" not in out + err


def test_a_missing_secret_is_a_clear_error_not_a_traceback(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("CDN_TOKEN", raising=False)
    root = _write_project(tmp_path, "  kind: cdnvideo\n  account: acme\n  token: env/CDN_TOKEN\n")
    code, out, err = cli("-C", str(root), "catalog")
    assert code == 1 and out == ""
    assert "environment variable CDN_TOKEN is not set" in err
    assert "export CDN_TOKEN=" in err and "Traceback" not in err


def test_a_refused_token_is_a_clear_error(cli, tmp_path, emulator, monkeypatch):
    monkeypatch.setenv("CDN_TOKEN", "not-the-token")
    root = _write_project(
        tmp_path,
        f"  kind: cdnvideo\n  account: acme\n  base_url: {emulator.base_url}\n"
        "  token: env/CDN_TOKEN\n",
    )
    code, _, err = cli("-C", str(root), "catalog")
    assert code == 1
    assert "invalid account" in err and "HTTP 403" in err
    assert "not-the-token" not in err and "Traceback" not in err


def test_without_a_project_file_it_says_what_to_do(cli, tmp_path):
    code, out, err = cli("-C", str(tmp_path), "catalog")
    assert code == 1 and out == ""
    assert "no vidspec.yaml" in err


VIDNOZ_GOLDEN = """\
Actors
  ID                                NAME    VERSION  STYLE                                             GENDER  SHOTS (SIZE)  VOICES
  Rk1nN090NnZQWXlSZW5oSHJlSlhWdz09  Anna    -        1 (full body), 2 (half body), 3 (round close-up)  female  -             -
  TUh6dnJ0QXBQcW1ZS3hVdw==          Daniel  -        1 (full body), 2 (half body), 3 (round close-up)  male    -             -
  U29maWFIYWxmQm9keTAxMg==          Sofia   -        2 (half body), 3 (round close-up)                 female  -             -
  S2VuamlGdWxsQm9keTAzNA==          Kenji   -        1 (full body), 2 (half body)                      male    -             -
  TGVuYVJvdW5kT25seTA1Ng==          Lena    -        3 (round close-up)                                female  -             -

Voices
  ID                                                            NAME      LANGUAGE  GENDER  PROVIDER  EMOTIONS
  d0VWUk5SU056NEwwMlRsem5vNVROYlpCc3FGY25CY0xBa3VIeWtLUkRyMD0=  Jenny     en-US     female  -         normal, happy, sad, cheerful, chat
  R3V5TmV1cmFsRW5VUzAwMQ==                                      Guy       en-US     male    -         normal, cheerful, chat
  U29uaWFOZXVyYWxFbkdCMDI=                                      Sonia     en-GB     female  -         normal
  S2F0amFOZXVyYWxEZURFMDM=                                      Katja     de-DE     female  -         normal, happy, sad
  Q29ucmFkTmV1cmFsRGVERTA0                                      Conrad    de-DE     male    -         normal, cheerful
  U3ZldGxhbmFOZXVyYWxSdTA1                                      Svetlana  ru-RU     female  -         normal

Backgrounds
  (none)

Quota: unknown
"""  # noqa: E501 - a whole table, as printed


def test_vidnoz_tables_show_the_ids_manifests_name(tmp_path, monkeypatch):
    monkeypatch.setenv("VIDNOZ_API_KEY", "vz-SECRET-key")
    clock = ManualClock()  # the client's 1 call/s pacing, without waiting for real
    settings = EmulatorSettings(provider="vidnoz", token="vz-SECRET-key")
    with serve(settings, clock=clock) as server:
        root = _write_project(
            tmp_path,
            f"  kind: vidnoz\n  base_url: {server.root_url}\n  api_key: env/VIDNOZ_API_KEY\n",
        )
        doc = fetch_catalog_document(root, clock=clock)  # what `vidspec catalog` prints
        assert [status for *_, status in server.request_log] == [200, 200]
    out = render_catalog(doc)
    assert out == VIDNOZ_GOLDEN
    assert [line.split()[0] for line in out.splitlines()[2:7]] == [a["id"] for a in doc["actors"]]
    assert "vz-SECRET-key" not in out
