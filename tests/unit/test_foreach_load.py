"""for_each at load time: the sources (list, mapping, CSV, YAML, JSON), placeholders and their
types, and every problem with its exact message and place (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from foreach_files import load, problems, promo


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# --- sources -----------------------------------------------------------------------------------


def test_a_list_of_keys_makes_one_video_per_key() -> None:
    desired = load({"videos/a.yaml": promo("script: Hello in ${each.key}", each="[en, de, fr]")})
    assert list(desired.videos) == ["promo[de]", "promo[en]", "promo[fr]"]
    assert desired.videos["promo[de]"].spec["script"] == "Hello in de"
    assert desired.definitions == {"promo": ("promo[en]", "promo[de]", "promo[fr]")}


def test_a_mapping_gives_each_key_its_values() -> None:
    desired = load(
        {
            "videos/a.yaml": promo(
                "script: ${each.text}",
                "voice: ${each.voice}",
                each="{en: {voice: Sara, text: Hello}, ru: {voice: Alena, text: Привет}}",
            ),
            "videos/b.yaml": "videos:\n  hi:\n    for_each: {en: Sara, ru: Alena}\n"
            "    script: Hi\n    voice: ${each.value}\n",
        }
    )
    assert desired.videos["promo[ru]"].spec["voice"] == "Alena"
    assert desired.videos["promo[ru]"].spec["script"] == "Привет"
    assert desired.videos["hi[ru]"].spec["voice"] == "Alena"


def test_a_csv_with_bom_quotes_and_typed_cells() -> None:
    csv_text = b'sku,product,scale\r\nA-1,"Chair, blue",0.8\r\nB-2,"Table\r\n(oak)",1\r\n'
    desired = load(
        {
            "videos/data/p.csv": b"\xef\xbb\xbf" + csv_text,
            "videos/a.yaml": promo(
                "script: ${each.product} at ${each.scale}",
                "composition: {scale: '${each.scale}'}",
                "video_name: '${each.key} $${literal}'",
                "download: out/${each.key}.mp4",
            ),
        }
    )
    a1, b2 = desired.videos["promo[A-1]"], desired.videos["promo[B-2]"]
    assert a1.spec["script"] == "Chair, blue at 0.8"
    assert a1.spec["composition"] == {"scale": 0.8}  # a lone placeholder keeps the type
    assert b2.spec["composition"] == {"scale": 1}
    assert b2.spec["script"] == "Table\r\n(oak) at 1"
    assert a1.spec["video_name"] == "A-1 ${literal}"
    assert a1.download == "out/A-1.mp4"


def test_yaml_and_json_sources_and_placeholders_in_file_paths() -> None:
    desired = load(
        {
            "videos/data/p.yaml": "- {sku: a, locale: en}\n- {sku: b, locale: ru}\n",
            "videos/data/q.json": '[\n  {"id": 7, "locale": "ru"}\n]\n',
            "videos/scripts/en.txt": "Hello\n",
            "videos/scripts/ru.txt": "Привет\n",
            "videos/a.yaml": promo(
                "script: {file: 'scripts/${each.locale}.txt'}",
                each="{file: data/p.yaml, key: sku}",
            )
            + "  other:\n    for_each: {file: data/q.json, key: id}\n"
            "    script: {file: 'scripts/${each.locale}.txt'}\n",
        }
    )
    assert desired.videos["promo[a]"].spec["script"] == "Hello"
    assert desired.videos["promo[b]"].spec["script"] == "Привет"
    assert desired.videos["other[7]"].spec["script"] == "Привет"


# --- problems, all at once, each at its place --------------------------------------------------


def test_an_unknown_placeholder_names_the_template_line_and_the_names() -> None:
    # `product` is used elsewhere, so the placeholder is the typo (else the header would be
    # blamed: test_header_typo.py)
    assert problems(
        {
            "videos/data/p.csv": "sku,product,voice\na,Chair,Sara\n",
            "videos/a.yaml": promo(
                "script: Buy ${each.prodcut}", "voice: ${each.voice}", "video_name: ${each.product}"
            ),
        }
    ) == [
        "videos/a.yaml:4:5: unknown placeholder `${each.prodcut}` in video 'promo' "
        "(did you mean `product`? the names are: key, sku, product, voice)"
    ]


def test_placeholder_syntax_problems() -> None:
    assert problems(
        {
            "videos/a.yaml": promo("script: Buy ${each.key", "video_name: ${var.x}", each="[a]"),
            "videos/b.yaml": "videos:\n  plain:\n    script: Hi ${each.key}\n",
        }
    ) == [
        "videos/a.yaml:4:5: `${` opens a placeholder that is never closed (end it with `}`, "
        "or write `$${` for a literal `${`)",
        "videos/a.yaml:5:5: unknown placeholder `${var.x}` (placeholders are ${each.key} and "
        "${each.NAME}; write `$${` for a literal `${`)",
        "videos/b.yaml:3:5: `${each.key}` in video 'plain', which has no for_each (add "
        "for_each to the video; vidspec never sends `${each.` to the service)",
    ]


def test_csv_problems_name_the_row_and_the_column() -> None:
    assert problems(
        {
            "videos/data/p.csv": "sku,product\na,Chair\nb,Table,extra\n,Lamp\nc d,Pot\na,Sofa\n",
            "videos/a.yaml": promo("script: ${each.product}"),
        }
    ) == [
        "videos/data/p.csv:3: row has 3 cells, the header has 2 (quote a cell that holds a "
        "comma; give every row one cell per column)",
        "videos/data/p.csv:4: column `sku` is empty (every row needs a key)",
        "videos/data/p.csv:5: for_each key 'c d', column `sku` is not a valid address part (a "
        "key uses letters, digits, '_', '.' and '-', starts with a letter or digit, at most "
        "128 characters)",
        "videos/data/p.csv:6: for_each key 'a', column `sku` appears twice (first at "
        "videos/data/p.csv:2) (keys are unique: each one is one video)",
    ]


def test_a_broken_quote_and_a_bad_header() -> None:
    assert problems(
        {
            "videos/data/p.csv": 'sku,product\na,"Chair\n',
            "videos/data/q.csv": "sku,,sku\n",
            "videos/a.yaml": promo("script: ${each.product}")
            + "  other:\n    for_each: {file: data/q.csv, key: sku}\n    script: Hi\n",
        }
    ) == [
        "videos/data/p.csv:2: cannot read CSV: unexpected end of data (check the quotes: a "
        "quoted cell ends with a quote)",
        "videos/data/q.csv:1: column 2 of the header has no name (name every column)",
        "videos/data/q.csv:1: column `sku` appears twice in the header (rename one of them)",
    ]


def test_a_missing_key_column_and_empty_sources() -> None:
    assert problems(
        {
            "videos/data/p.csv": "id,product\n1,Chair\n",
            "videos/data/empty.csv": "sku,product\n",
            "videos/a.yaml": promo("script: ${each.product}")
            + "  b:\n    for_each: {file: data/empty.csv, key: sku}\n    script: Hi\n"
            + "  c:\n    for_each: []\n    script: Hi\n",
        }
    ) == [
        "videos/a.yaml:3:34: for_each: key column `sku` is not in videos/data/p.csv (its "
        "columns are: id, product)",
        "videos/a.yaml:6:5: for_each: videos/data/empty.csv has no rows (add rows below the "
        "header)",
        "videos/a.yaml:9:5: for_each is empty (add at least one key)",
    ]


def test_a_value_failing_the_schema_names_the_template_line_and_the_row() -> None:
    assert problems(
        {
            "videos/data/p.csv": "sku,corner\na,upperleft\nb,upper\n",
            "videos/a.yaml": promo(
                "script: Hi", "composition: {frame_style: circle, location: '${each.corner}'}"
            ),
        }
    ) == [
        "videos/a.yaml:5:40: composition.location is 'upper', not one of 'upperleft', "
        "'upperright', 'lowerleft', 'lowerright' (in promo[b], from videos/data/p.csv:3, "
        "column `corner`) (did you mean 'upperleft'?)"
    ]


def test_a_yaml_row_without_a_field_and_a_row_without_a_key() -> None:
    assert problems(
        {
            "videos/data/p.yaml": "- {sku: a, text: Hi}\n- {sku: b}\n- {text: Yo}\n",
            "videos/a.yaml": promo("script: ${each.text}", each="{file: data/p.yaml, key: sku}"),
        }
    ) == [
        "videos/a.yaml:4:5: `${each.text}`: the row at videos/data/p.yaml:2:3 has no field "
        "`text` (add `text` to that row)",
        "videos/data/p.yaml:3:3: field `sku` is missing (every row needs a key)",
    ]


def test_an_unused_column_is_a_warning_naming_it() -> None:
    desired = load(
        {
            "videos/data/p.csv": "sku,product,prodcut_note\na,Chair,x\n",
            "videos/a.yaml": promo("script: ${each.product}"),
        }
    )
    assert desired.warnings == (
        "videos/a.yaml:3:5: for_each of 'promo': column `prodcut_note` of videos/data/p.csv is "
        "not used by any placeholder (a typo in a placeholder or a header?)",
    )


def test_moved_between_instances_and_definitions() -> None:
    desired = load(
        {
            "videos/a.yaml": promo("script: Hi ${each.key}", each="[a, b]")
            + "moved:\n  - {from: 'promo[old]', to: 'promo[a]'}\n  - {from: offer, to: promo}\n"
        }
    )
    assert [(m.from_address, m.to_address) for m in desired.moves] == [
        ("promo[old]", "promo[a]"),
        ("offer", "promo"),
    ]
    assert problems(
        {"videos/a.yaml": promo("script: Hi", each="[a]") + "moved: [{from: 'x[1]', to: promo}]\n"}
    ) == [
        "videos/a.yaml:5:24: moved from the instance 'x[1]' to 'promo', which has for_each "
        "(name one of its instances, e.g. 'promo[KEY]')"
    ]


def test_for_each_outside_the_project_or_of_an_unknown_kind() -> None:
    assert problems(
        {
            "videos/a.yaml": promo("script: Hi", each="{file: ../../p.csv, key: sku}")
            + "  b:\n    for_each: {file: data/p.txt, key: sku}\n    script: Hi\n"
            + "  c:\n    for_each: 5\n    script: Hi\n",
        }
    ) == [
        "videos/a.yaml:3:16: for_each: {file: ../../p.csv} points outside the project "
        "directory (move the file into the project directory, where vidspec.yaml is)",
        "videos/a.yaml:6:16: for_each: data/p.txt is not a .csv, .yaml, .yml or .json file "
        "(give the rows as CSV with a header row, or a YAML or JSON list of mappings)",
        "videos/a.yaml:9:5: for_each must be a list of keys, a mapping of keys to values, or "
        "{file: PATH, key: COLUMN} (write for_each: [en, de], for_each: {en: {voice: Sara}}, "
        "or for_each: {file: data/rows.csv, key: COLUMN, required: [COLUMN]}; required is "
        "optional: the columns that may not be empty)",
    ]
