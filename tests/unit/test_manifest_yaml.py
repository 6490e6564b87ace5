"""The location-stamping YAML loader: values, locations, and hostile input refused fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vidspec.core.errors import ManifestError
from vidspec.core.location import SourceLocation
from vidspec.project import yamlload
from vidspec.project.loctree import iter_locations, locate
from vidspec.project.yamlload import load_yaml


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, content: str | bytes) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_yaml(path)
    return [str(p) for p in caught.value.problems]


def test_values_are_plain_and_every_key_has_its_line_and_column() -> None:
    doc = load_yaml(
        write(
            "m.yaml",
            "videos:\n"
            "  welcome:\n"
            "    script: Hello\n"
            "    actor: {name: Natalia, version: 4.0.0}\n"
            "    tags: [a, 2, 2.5, true, null, 2024-01-01]\n",
        )
    )
    assert doc.value == {
        "videos": {
            "welcome": {
                "script": "Hello",
                "actor": {"name": "Natalia", "version": "4.0.0"},
                "tags": ["a", 2, 2.5, True, None, "2024-01-01"],
            }
        }
    }
    where = dict(iter_locations(doc.locs))
    assert str(where["videos.welcome"]) == "m.yaml:2:3"
    assert str(where["videos.welcome.script"]) == "m.yaml:3:5"
    assert str(where["videos.welcome.actor.version"]) == "m.yaml:4:28"
    assert str(where["videos.welcome.tags.5"]) == "m.yaml:5:35"
    assert locate(doc.root, doc.locs, ("videos", "welcome", "nothing")) == SourceLocation(
        "m.yaml", 2, 3
    )


def test_merge_keys_merge_and_the_mapping_s_own_keys_win() -> None:
    doc = load_yaml(
        write("m.yaml", "base: &b {voice: Sara, background: globe}\nv:\n  <<: *b\n  voice: Mia\n")
    )
    assert doc.value["v"] == {"voice": "Mia", "background": "globe"}
    where = dict(iter_locations(doc.locs))
    assert str(where["v.voice"]) == "m.yaml:4:3"
    assert str(where["v.background"]) == "m.yaml:1:24"  # where the merged value was written


def test_an_empty_file_is_empty_not_an_error() -> None:
    doc = load_yaml(write("m.yaml", "# nothing yet\n"))
    assert doc.empty and doc.value is None


def test_python_object_tags_are_refused() -> None:
    path = write("m.yaml", "videos: !!python/object/apply:os.system [echo owned]\n")
    assert problems(path) == [
        "m.yaml:1:9: YAML tag !!python/object/apply:os.system is not allowed "
        "(vidspec reads plain YAML only: remove the tag)"
    ]


def test_custom_tags_are_refused_too() -> None:
    assert problems(write("m.yaml", "a: !secret x\n")) == [
        "m.yaml:1:4: YAML tag !secret is not allowed "
        "(vidspec reads plain YAML only: remove the tag)"
    ]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 12):  # 10**12 values once expanded
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    path = write("bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - started < 2.0
    assert len(found) == 1
    assert found[0].startswith("bomb.yaml:7:")
    assert "expands to more than 2,000,000 values" in found[0]


def test_deep_nesting_is_refused_instead_of_crashing() -> None:
    found = problems(write("deep.yaml", "[" * 100_000 + "]" * 100_000))
    assert found == [
        "deep.yaml:1:65: nested more than 64 levels deep "
        "(a manifest needs only a few levels; flatten the structure)"
    ]


def test_oversize_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlload, "MAX_FILE_BYTES", 1000)
    path = write("big.yaml", "a: " + "x" * 2000 + "\n")
    assert problems(path) == [
        "big.yaml:1:1: big.yaml is 2,004 bytes, over the limit of 1,000 "
        "(split it into smaller files)"
    ]


def test_non_utf8_file_names_the_line_and_column_of_the_bad_byte() -> None:
    path = write("latin1.yaml", b"videos:\n  a:\n    script: caf\xe9\n")
    assert problems(path) == [
        "latin1.yaml:3:16: latin1.yaml is not UTF-8 text (byte 0xe9) (save the file as UTF-8)"
    ]


def test_syntax_error_names_the_line() -> None:
    assert problems(write("m.yaml", "videos:\n  a: [1, 2\n  b: 3\n")) == [
        "m.yaml:3:4: YAML syntax error: did not find expected ',' or ']', while parsing a flow "
        "sequence started at line 2 (check the indentation and quoting here)"
    ]


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    assert problems(write("m.yaml", "videos:\n  a: {}\n  a: {}\n")) == [
        "m.yaml:3:3: key 'a' appears twice in this mapping (first at line 2) (keep one of them)"
    ]


def test_undefined_and_self_referencing_aliases_are_refused() -> None:
    assert problems(write("m.yaml", "a: &x [*x]\n")) == [
        "m.yaml:1:8: alias *x refers to no anchor (or to itself) (define &x before using it)"
    ]


def test_more_than_one_document_is_refused() -> None:
    assert problems(write("m.yaml", "a: 1\n---\nb: 2\n")) == [
        "m.yaml:2:1: more than one YAML document in this file "
        "(remove the '---' line or split the documents into separate files)"
    ]


def test_control_characters_are_refused_at_their_place() -> None:
    assert problems(write("m.yaml", "videos:\n  a: b\x07c\n")) == [
        "m.yaml:2:7: character U+0007 cannot stand in a YAML file "
        "(remove it, or write it as \\x07 inside double quotes)"
    ]


def test_complex_keys_are_refused() -> None:
    assert problems(write("m.yaml", "? [a, b]\n: 1\n")) == [
        "m.yaml:1:3: a mapping key must be plain text (write the key as a simple word)"
    ]


def test_deep_nesting_past_the_reread_bound_is_refused_where_libyaml_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A huge file whose deep part lies far down is not read twice: our message, libyaml's place.
    monkeypatch.setattr(yamlload, "REREAD_CHARS", 10)
    found = problems(write("deep.yaml", "a: 1\nb: " + "[" * 2000 + "]" * 2000 + "\n"))
    assert len(found) == 1
    assert found[0].startswith("deep.yaml:2:")
    assert found[0].endswith(
        ": nested more than 64 levels deep "
        "(a manifest needs only a few levels; flatten the structure)"
    )


def test_a_tab_is_named_at_its_place_not_as_a_token_libyaml_cannot_start() -> None:
    found = problems(write("tab.yaml", "videos:\n  a:\n    script: hi\n  b:\n\t  script: x\n"))
    assert found == [
        "tab.yaml:5:1: a tab character here: YAML indents with spaces only "
        "(replace the tab with spaces)"
    ]
