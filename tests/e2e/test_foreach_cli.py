"""for_each on the command line: ``examples/bulk`` on the sandbox, ``vidspec expand``, the
Markdown plan of many instances, natural order, state commands and lifecycle on instances."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator
from repo_paths import EXAMPLES

from vidspec.cli import cli
from vidspec.core.addresses import natural_key
from vidspec.core.errors import PreventDestroy, UsageError

EXAMPLE = EXAMPLES / "bulk"
FAST = "  options: {queue_seconds: 0.1, processing_seconds: 0.2, post_limit: 50/1s}\n"
PROJECT = (
    "version: 1\nprovider:\n  kind: sandbox\n" + FAST + "manifests: ['videos/*.yaml']\n"
    "defaults:\n"
    "  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}\n"
    "  voice: Sara\n"
    "safety: {max_deletes: 30, max_regenerations: 30, max_minutes: 60}\n"
)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-C", str(root), *args])


@pytest.fixture
def bulk(tmp_path: Path) -> Path:
    root = tmp_path / "bulk"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".vidspec", "out"))
    return root


def project(root: Path, manifest: str) -> Path:
    (root / "videos").mkdir(parents=True)
    (root / "vidspec.yaml").write_text(PROJECT, encoding="utf-8")
    (root / "videos" / "main.yaml").write_text(manifest, encoding="utf-8")
    return root


def test_the_example_validates_as_shipped() -> None:
    result = run(EXAMPLE, "validate")
    assert (result.exit_code, result.stdout) == (0, "14 videos in 1 file are valid.\n")


def test_the_example_applies_on_the_sandbox_and_then_plans_clean(bulk: Path) -> None:
    applied = run(bulk, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete! Videos: 14 created" in applied.output
    assert sorted(p.name for p in (bulk / "out").iterdir())[:2] == [
        "promo-sku-101.mp4",
        "promo-sku-102.mp4",
    ]
    assert run(bulk, "plan", "--detailed-exitcode").exit_code == 0
    listed = run(bulk, "state", "list").output.splitlines()
    assert [line.split()[0] for line in listed[1:4]] == ["hello[en]", "hello[ru]", "promo[sku-101]"]
    # a changed row regenerates its instance only; --target names one instance
    csv = bulk / "videos" / "data" / "promos.csv"
    csv.write_text(csv.read_text("utf-8").replace("Hammock", "Hammock XL"), "utf-8")
    plan = run(bulk, "plan", "--json")
    assert [(a["address"], a["action"]) for a in json.loads(plan.output)["actions"]] == [
        ("promo[sku-104]", "rename")  # the product is only in the name: renamed in place
    ]
    # state rm of a definition stops managing each instance
    removed = run(bulk, "state", "rm", "hello")
    assert removed.exit_code == 0
    assert removed.stdout.splitlines()[0].startswith("Removed hello[en] (video ")
    assert removed.stdout.splitlines()[1].startswith("Removed hello[ru] (video ")
    moved = run(bulk, "state", "mv", "promo[sku-101]", "promo[sku-101b]")
    assert moved.exit_code == 0 and moved.stdout.startswith(
        "Moved promo[sku-101] to promo[sku-101b]"
    )


def test_expand_prints_the_videos_as_written_out() -> None:
    result = run(EXAMPLE, "expand", "promo[sku-203]")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "videos:\n"
        "  promo[sku-203]:\n"
        "    actor:\n"
        "      name: Natalia\n"
        "      version: 4.0.0\n"
        "      style: dressshirt\n"
        "      shot: waist\n"
        "      size: HD\n"
        "    background: globe\n"
        "    video_name: 'Spring offer: Зонт от солнца'\n"
        "    script: 'Весеннее предложение уже здесь: всё для вашего сада по лучшей цене. "
        "Заходите в наш магазин\n"
        "      на этой неделе.'\n"
        "    voice: Alena\n"
        "    composition:\n"
        "      frame_style: circle\n"
        "      location: lowerleft\n"
        "    download: out/promo-sku-203.mp4\n"
    )


def test_expand_json_selects_a_definition_and_refuses_an_unknown_address() -> None:
    result = run(EXAMPLE, "expand", "--json", "hello")
    document = json.loads(result.output)
    assert document["format_version"] == 1
    assert list(document["videos"]) == ["hello[en]", "hello[ru]"]
    assert document["videos"]["hello[ru]"]["video_name"] == "Hello (ru)"
    unknown = run(EXAMPLE, "expand", "promo[nope]")
    assert isinstance(unknown.exception, UsageError)
    assert unknown.exception.message == "no video has the address promo[nope]"


def test_validate_warns_of_a_column_no_placeholder_uses(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "videos:\n  promo:\n    for_each: {file: rows.csv, key: sku}\n    script: Hi\n",
    )
    (root / "videos" / "rows.csv").write_text("sku,prodct\na,Chair\n", "utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "validate"])
    assert result.exit_code == 0
    warning, note = result.stderr.splitlines()
    assert warning == (
        "Warning: videos/main.yaml:3:5: for_each of 'promo': column `prodct` of "
        "videos/rows.csv is not used by any placeholder (a typo in a placeholder or a header?)"
    ).replace("videos/", f"{root}/videos/".replace(f"{Path.cwd()}/", ""))
    assert note.startswith("Not checked against the provider's catalog")


def test_many_instances_one_markdown_line_and_one_text_block_each(tmp_path: Path) -> None:
    keys = [f"clip{n}" for n in range(1, 23)]
    root = project(
        tmp_path,
        f"videos:\n  promo:\n    for_each: [{', '.join(keys)}]\n"
        "    script: This is ${each.key}.\n"
        "  solo:\n    script: Just one.\n",
    )
    markdown = run(root, "plan", "--markdown").output
    assert "<details><summary><code>promo</code>: 22 to create</summary>" in markdown
    assert markdown.count("| `+` create | `promo[clip") == 22  # inside the collapsed block
    assert "| `+` create | `solo` |" in markdown  # a plain video keeps its row and diff
    assert "<code>promo[clip1]</code>" not in markdown  # no per-instance diff
    text = run(root, "plan").output
    headers = [line.split('"')[1] for line in text.splitlines() if line.startswith("  + video")]
    assert headers == [f"promo[{k}]" for k in keys] + ["solo"]  # clip2 before clip10


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["clip10", "clip2", "clip1", "clip02", "a", "promo[k10]", "promo[k9]", "promo"]
    assert sorted(names, key=natural_key) == [
        "a",
        "clip1",
        "clip02",
        "clip2",
        "clip10",
        "promo",
        "promo[k9]",
        "promo[k10]",
    ]


def test_prevent_destroy_of_an_instance_names_the_template_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "videos:\n  promo:\n    for_each: [a, b]\n    script: Hi ${each.key}.\n"
        "    lifecycle: {prevent_destroy: true}\n",
    )
    assert run(root, "apply", "--auto-approve").exit_code == 0
    manifest = root / "videos" / "main.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("[a, b]", "[a]"), "utf-8")
    refused = run(root, "plan")
    assert isinstance(refused.exception, PreventDestroy)
    assert refused.exception.message.splitlines()[1].endswith(
        "videos/main.yaml:5:17: promo[b] would be deleted (not in any manifest), and "
        "prevent_destroy: true here protects it"
    )


def test_the_printed_schema_reads_a_template_as_an_editor_should() -> None:
    result = run(EXAMPLE, "schema", "manifest")
    schema = json.loads(result.output)
    Draft202012Validator.check_schema(schema)
    assert "${each.key}" in schema["$defs"]["for_each"]["description"]
    validator = Draft202012Validator(schema)
    manifest = yaml.safe_load((EXAMPLE / "videos" / "promos.yaml").read_text("utf-8"))
    assert list(validator.iter_errors(manifest)) == []
    manifest["videos"]["promo"]["voise"] = "Sara"
    manifest["videos"]["promo"]["download"] = 5
    manifest["videos"]["plain"] = {"script": "Hi", "voice": "${each.voice}", "emotion": 5}
    found = sorted((list(e.absolute_path), e.validator) for e in validator.iter_errors(manifest))
    assert found == [
        (["videos", "plain", "emotion"], "type"),  # no for_each: a plain video's own schema
        (["videos", "promo"], "additionalProperties"),  # a misspelt field of a template
        (["videos", "promo", "download"], "anyOf"),  # neither a path nor a placeholder
    ]


def test_an_instance_is_imported_back_at_its_address(tmp_path: Path) -> None:
    root = project(
        tmp_path, "videos:\n  promo:\n    for_each: [a, b]\n    script: Hi ${each.key}.\n"
    )
    assert run(root, "apply", "--auto-approve").exit_code == 0
    state = json.loads((root / ".vidspec" / "state.json").read_text("utf-8"))
    video_id = state["videos"]["promo[a]"]["id"]
    assert run(root, "state", "rm", "promo[a]").exit_code == 0
    assert [
        (a["address"], a["action"])
        for a in json.loads(run(root, "plan", "--json").output)["actions"]
    ] == [("promo[a]", "create")]
    imported = run(root, "import", "promo[a]", video_id)
    assert imported.exit_code == 0, imported.output
    assert run(root, "plan", "--detailed-exitcode").exit_code == 0
