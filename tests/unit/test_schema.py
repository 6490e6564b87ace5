"""The shipped JSON Schemas: valid Draft 2020-12, printed by `vidspec schema`, per kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import Cli
from jsonschema import Draft202012Validator
from repo_paths import SCHEMAS

from vidspec.project.schema import manifest_schema, project_schema, text_paths

SCHEMA_DIR = SCHEMAS


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", ["sandbox", "cdnvideo", "vidnoz"])
def test_vidspec_schema_manifest_prints_a_valid_schema_for_each_kind(
    kind: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("schema", "manifest", "--provider", kind)
    assert (code, err) == (0, "")
    schema = json.loads(out)
    Draft202012Validator.check_schema(schema)
    assert schema == manifest_schema(kind)
    family = "vidnoz" if kind == "vidnoz" else "cdnvideo"
    assert schema["$ref"] == f"#/$defs/manifest_{family}"


def test_schema_manifest_defaults_to_the_project_s_kind(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: vidnoz, api_key: env/K}\n", encoding="utf-8"
    )
    code, out, _ = cli("-C", str(tmp_path), "schema", "manifest")
    assert code == 0
    assert json.loads(out)["$ref"] == "#/$defs/manifest_vidnoz"


def test_vidspec_schema_project(cli: Cli) -> None:
    code, out, _ = cli("schema", "project")
    assert code == 0
    schema = json.loads(out)
    Draft202012Validator.check_schema(schema)
    assert schema == project_schema()
    assert schema["additionalProperties"] is False


def test_a_printed_manifest_schema_validates_real_manifests_on_its_own(
    cli: Cli,
) -> None:
    """Editors use the printed schema without vidspec: it must accept and refuse on its own."""
    _, out, _ = cli("schema", "manifest", "--provider", "sandbox")
    validator = Draft202012Validator(json.loads(out))
    good = {
        "defaults": {"voice": "Sara"},
        "videos": {"welcome": {"script": {"file": "s.ssml"}, "actor": {"name": "Natalia"}}},
        "moved": [{"from": "intro", "to": "welcome"}],
    }
    assert list(validator.iter_errors(good)) == []
    bad = {"videos": {"welcome": {"script": "x" * 3001, "voise": "Sara"}}}
    assert sorted(e.validator for e in validator.iter_errors(bad)) == [
        "additionalProperties",
        "maxLength",
    ]


def test_every_object_schema_forbids_unknown_fields() -> None:
    """additionalProperties: false wherever an object's fields are listed. The complete_<kind>
    roots are exempt: they only add what needs the merged video, after manifest_<kind> has
    checked every field's form (and refused the unknown ones)."""

    def walk(node: object, where: str) -> list[str]:
        found = []
        if isinstance(node, dict):
            lists_fields = "properties" in node and node.get("type") == "object"
            if lists_fields and node.get("additionalProperties") is not False:
                found.append(where)
            for key, value in node.items():
                if not key.startswith("complete_"):
                    found += walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found += walk(value, f"{where}/{index}")
        return found

    for name in ("manifest", "project"):
        schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert walk(schema, name) == []


def test_text_fields_that_take_file_references() -> None:
    assert text_paths("sandbox") == (("script",), ("video_name",))
    assert text_paths("vidnoz") == (("name",), ("voice", "tts", "text"))


def test_remembered_passes_never_hide_an_error(tmp_path: Path) -> None:
    """The validator remembers values that passed a subschema; the same value elsewhere, or a
    value equal in Python but not in JSON (true vs 1), is still judged on its own."""
    from vidspec.core.errors import ManifestError
    from vidspec.project.config import load_project
    from vidspec.project.loader import load_desired

    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nprovider: {kind: vidnoz, api_key: env/K}\n"
        "videos:\n"
        "  a: {aspect: 1, avatar: {id: x, style: 1}, voice: {silence: {}}}\n"
        "  b: {aspect: true, avatar: {id: x, style: 1}, voice: {silence: {}}}\n"
        "  c: {aspect: 1, avatar: {id: x, style: 1, scale: 1}, voice: {silence: {duration: 2}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError) as caught:
        load_desired(load_project(tmp_path))
    assert [p.message for p in caught.value.problems] == [
        "aspect is true, not one of 1, 2, 3",
    ]
