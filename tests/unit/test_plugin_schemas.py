"""Schemas merged from the plugins (issue 22): the ``provider:`` block and a video's generation
fields of a kind come from its plugin, in the one schema that validates vidspec.yaml and the
manifests and that ``vidspec schema`` prints; errors stay located and exact, and a credential
is only ever ``env/NAME``, whatever the plugin wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import Cli
from jsonschema import Draft202012Validator
from plugin_dists import PluginDir

from vidspec.core.errors import ManifestError
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired

ACME = """
    from vidspec.plugin import ProviderPlugin
    from vidspec.providers.cdnvideo.api import CAPABILITIES

    def _open(settings, context):
        raise AssertionError("not opened here")

    PLUGIN = ProviderPlugin(
        kind="acme", display_name="Acme", version="1.2.3", capabilities=CAPABILITIES,
        open=_open,
        provider_schema={
            "required": ["api_key"],
            # the plugin forgot the env/ pattern: vidspec adds it
            "properties": {"api_key": {"type": "string", "x-secret": True,
                                       "x-example": "env/ACME_KEY"},
                           "region": {"enum": ["eu", "us"]}},
        },
        video_schema={
            "required": ["name", "script"],
            "properties": {
                "name": {"type": "string", "maxLength": 20},
                "script": {"$ref": "#/$defs/text"},
                "voice": {"$ref": "#/$defs/voice"},
            },
            "$defs": {"voice": {"type": "object", "additionalProperties": False,
                                "properties": {"id": {"type": "string"}}}},
        },
    )
"""


@pytest.fixture
def acme(plugins: PluginDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    plugins.install("vidspec-acme", "acme", "vidspec_test_acme", ACME)
    project = tmp_path / "project"
    (project / "videos").mkdir(parents=True)
    monkeypatch.chdir(project)
    return project


def problems(directory: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(directory))
    return [str(p) for p in caught.value.problems]


def test_a_plugins_provider_block_and_video_fields_validate_a_project(acme: Path) -> None:
    (acme / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: acme, api_key: env/ACME_KEY, region: eu}\n"
    )
    (acme / "script.txt").write_text("Hello from a file.\n")
    (acme / "videos" / "a.yaml").write_text(
        "videos:\n  hello: {name: Hello, script: {file: ../script.txt}, voice: {id: v1}}\n"
    )
    project = load_project(Path("."))
    assert project.provider.secrets["api_key"].name == "ACME_KEY"
    video = load_desired(project).videos["hello"]
    assert video.spec["script"] == "Hello from a file."  # vidspec's text field, from the plugin


def test_a_plugins_secret_is_only_ever_env_name(acme: Path) -> None:
    (acme / "vidspec.yaml").write_text("version: 1\nprovider: {kind: acme, api_key: s3cr3t}\n")
    assert problems(Path(".")) == [
        "vidspec.yaml:2:24: provider.api_key must name an environment variable (env/NAME), "
        "never hold the secret itself (write api_key: env/ACME_KEY and export ACME_KEY in "
        "the environment)"
    ]


def test_a_plugins_provider_block_errors_are_located_and_exact(acme: Path) -> None:
    (acme / "vidspec.yaml").write_text(
        "version: 1\nprovider:\n  kind: acme\n  region: mars\n  account: x\n"
    )
    assert problems(Path(".")) == [
        "vidspec.yaml:2:1: missing field 'provider.api_key' (add it to vidspec.yaml)",
        "vidspec.yaml:4:3: provider.region is 'mars', not one of 'eu', 'us' (use one of them)",
        "vidspec.yaml:5:3: provider.account is not used by this provider kind "
        "(remove it, or change provider.kind)",
    ]


def test_a_plugins_video_errors_are_located_and_exact(acme: Path) -> None:
    (acme / "vidspec.yaml").write_text("version: 1\nprovider: {kind: acme, api_key: env/K}\n")
    (acme / "videos" / "a.yaml").write_text(
        "videos:\n  hello:\n    name: A name far too long for acme\n    voise: {id: v1}\n"
    )
    assert problems(Path(".")) == [
        "videos/a.yaml:2:3: missing field 'script' in video 'hello' (add it to the video or to "
        "defaults)",
        "videos/a.yaml:3:5: name is 28 characters long, over the limit of 20 (shorten it)",
        "videos/a.yaml:4:5: unknown field 'voise' (did you mean 'voice'?)",
    ]


def test_vidspec_schema_prints_the_plugins_schemas(acme: Path, cli: Cli) -> None:
    project = json.loads(cli("schema", "project").out)
    Draft202012Validator.check_schema(project)
    kinds = project["$defs"]["provider"]["properties"]["kind"]["enum"]
    assert kinds == ["acme", "cdnvideo", "heygen", "sandbox", "synthesia", "vidnoz"]
    validator = Draft202012Validator(project)
    assert not list(
        validator.iter_errors({"version": 1, "provider": {"kind": "acme", "api_key": "env/K"}})
    )
    assert list(validator.iter_errors({"version": 1, "provider": {"kind": "acme", "api_key": "x"}}))
    manifest = json.loads(cli("schema", "manifest", "--provider", "acme").out)
    Draft202012Validator.check_schema(manifest)
    assert manifest["$ref"] == "#/$defs/manifest_acme"
    good = {"videos": {"hello": {"name": "Hi", "script": "Hello", "voice": {"id": "v"}}}}
    assert not list(Draft202012Validator(manifest).iter_errors(good))


def test_schema_of_a_kind_installed_after_start_up_and_of_an_unknown_kind(
    plugins: PluginDir, cli: Cli
) -> None:
    """The command's kinds are read when it runs, not when its module was imported (an
    earlier command in the same process)."""
    cli("schema", "manifest", "--provider", "vidnoz")  # the command module is loaded
    plugins.install("vidspec-acme", "acme", "vidspec_test_acme", ACME)
    code, out, _ = cli("schema", "manifest", "--provider", "acme")
    assert code == 0
    assert json.loads(out)["$ref"] == "#/$defs/manifest_acme"
    code, _, err = cli("schema", "manifest", "--provider", "acmee")
    assert code == 1
    installed = "acme, cdnvideo, heygen, sandbox, synthesia, vidnoz"
    assert f"unknown provider kind 'acmee' (installed: {installed})" in err
    assert "did you mean 'acme'?" in err and "pip install vidspec-acmee" in err
