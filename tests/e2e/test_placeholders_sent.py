"""``${each.…}`` never reaches a service as text (issue 20, item 1): `validate` passed and
`apply` paid for 40 videos that said "dollar each product", because a ``{file:}`` text of a
for_each video was sent as written.

The text of an instance is now a template (Terraform's ``templatefile()``), its problems at
``file:line:column`` of the text file; and a last guard refuses any placeholder still in a
request, at load, at plan (before approval) and in the engine (before the POST)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_env import ApplyEnv, edit_plan, make_env, simple_videos
from cli_run import Cli
from paid_env import account_videos, sandbox_project
from plan_fixtures import CDN, NOW, desired, record, spec, state, want

from vidspec.core.errors import ManifestError
from vidspec.plan.planner import plan
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import Desired

PROMO = (
    "videos:\n  promo:\n    for_each: {file: data/promos.csv, key: sku}\n"
    "    video_name: Offer ${each.sku}\n    script: {file: scripts/en.txt}\n"
)
ROWS = "sku,product,scale\na1,Garden chair,0.8\nb2,Patio table,1\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


def load(root: Path, files: dict[str, str]) -> Desired:
    return load_desired(load_project(sandbox_project(root, files)))


def problems(root: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load(root, files)
    return [str(p) for p in caught.value.problems]


# --- the text of an instance is a template ----------------------------------------------------


def test_a_file_text_of_an_instance_is_filled_from_its_row(tmp_path: Path) -> None:
    desired = load(
        tmp_path,
        {
            "videos/data/promos.csv": ROWS,
            "videos/scripts/en.txt": "Our ${each.product} is now 20% off.\n"
            "Scale ${each.scale}, $${literal} kept.\n",
            "videos/main.yaml": PROMO,
        },
    )
    assert desired.videos["promo[a1]"].spec["script"] == (
        "Our Garden chair is now 20% off.\nScale 0.8, ${literal} kept."
    )
    assert desired.videos["promo[b2]"].spec["script"].startswith("Our Patio table is")
    assert desired.warnings == ()  # `product` and `scale` are used, by the text


def test_a_text_that_is_one_placeholder_is_text(tmp_path: Path) -> None:
    desired = load(
        tmp_path,
        {
            "videos/data/promos.csv": ROWS,
            "videos/scripts/en.txt": "${each.scale}\n",
            "videos/main.yaml": PROMO,
        },
    )
    assert desired.videos["promo[a1]"].spec["script"] == "0.8"  # text, not the number 0.8


def test_problems_of_a_text_are_at_its_line_and_column_once(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "videos/data/promos.csv": ROWS,
            "videos/scripts/en.txt": "Our ${each.prodcut} is off.\n"
            "Then $${each.sku} and ${var.x}.\n  ${each.product\n",
            # `product` is used by the template: the text's `prodcut` is the typo
            "videos/main.yaml": PROMO + "    download: out/${each.product}.mp4\n",
        },
    ) == [
        "videos/scripts/en.txt:1:5: unknown placeholder `${each.prodcut}` in video 'promo' "
        "(did you mean `product`? the names are: key, sku, product, scale)",
        "videos/scripts/en.txt:2:6: `$${each.sku}` would send `${each.sku}` as text "
        "(vidspec never sends `${each.` to the service (a voice would read it out): reword "
        "the text)",
        "videos/scripts/en.txt:2:23: unknown placeholder `${var.x}` (placeholders are "
        "${each.key} and ${each.NAME}; write `$${` for a literal `${`)",
        "videos/scripts/en.txt:3:3: `${` opens a placeholder that is never closed (end it "
        "with `}`, or write `$${` for a literal `${`)",
    ]


def test_a_yaml_row_without_the_field_a_text_uses(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "videos/data/promos.yaml": "- {sku: a1, product: Chair}\n- {sku: b2}\n",
            "videos/scripts/en.txt": "Buy the ${each.product}.\n",
            "videos/main.yaml": PROMO.replace("promos.csv", "promos.yaml"),
        },
    ) == [
        "videos/scripts/en.txt:1:9: `${each.product}`: the row at videos/data/promos.yaml:2:3 "
        "has no field `product` (add `product` to that row)"
    ]


def test_a_problem_found_after_filling_a_text_names_the_row_and_columns(tmp_path: Path) -> None:
    long = "x" * 3000
    found = problems(
        tmp_path,
        {
            "videos/data/promos.csv": f"sku,product\na1,Chair\nb2,{long}\n",
            "videos/scripts/en.txt": "Buy the ${each.product}.\n",
            "videos/main.yaml": PROMO,
        },
    )
    assert len(found) == 1
    assert found[0].startswith("videos/main.yaml:5:5: script is 3,009 characters long")
    assert "(in promo[b2], from videos/data/promos.csv:3, column `product`)" in found[0]


# --- nothing fills it: refused where it stands ------------------------------------------------


def test_placeholders_nothing_fills_are_refused_where_they_stand(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "videos/data/promos.csv": "sku,product\na1,Buy ${each.sku} now\n",
            "videos/scripts/plain.txt": "Welcome to ${each.product}.\n",
            "videos/main.yaml": "defaults:\n  video_name: Offer ${each.key}\n"
            "videos:\n  promo:\n    for_each: {file: data/promos.csv, key: sku}\n"
            "    script: '${each.product}'\n"
            "  plain:\n    video_name: Welcome\n    script: {file: scripts/plain.txt}\n",
        },
    ) == [
        "videos/main.yaml:2:3: video_name would send `${each.key}` as text: nothing fills a "
        "placeholder there (placeholders are filled in a for_each video's own fields and "
        "{file:} texts, not in defaults (merged after the row) nor in a row's values; `$${` "
        "cannot write `${each.` either)",
        "videos/main.yaml:6:5: script would send `${each.sku}` as text: nothing fills a "
        "placeholder there (in promo[a1], from videos/data/promos.csv:2, column `product`) "
        "(placeholders are filled in a for_each video's own fields and {file:} texts, not in "
        "defaults (merged after the row) nor in a row's values; `$${` cannot write `${each.` "
        "either)",
        "videos/scripts/plain.txt:1:12: `${each.product}` is in a text read for video "
        "'plain', which has no for_each: nothing fills it there (use the text in a video "
        "with for_each; vidspec never sends `${each.` to the service)",
    ]


# --- the last guard, at plan and in the engine ------------------------------------------------


def test_the_planner_refuses_a_placeholder_before_approval() -> None:
    """Whatever built the desired videos (a library caller, a loader bug), the plan that
    would send one names the video, the field and its line."""
    body = spec(script="Our ${each.product} is off.")
    with pytest.raises(ManifestError) as caught:
        plan(desired(want("promo", body)), state(), [], None, CDN, NOW)
    assert [str(p) for p in caught.value.problems] == [
        "videos/main.yaml:8:5: script of video 'promo' holds `${each.product}`, a placeholder "
        "nothing filled (nothing is sent: a placeholder is filled only in a for_each video's "
        "own fields and {file:} texts)"
    ]
    renamed = want("promo", spec(name="Offer ${ each.key }"))
    managed = state({"promo": record("id-1", spec())})
    with pytest.raises(ManifestError, match=r"video_name of video 'promo' holds `\$\{ each"):
        plan(desired(renamed), managed, None, None, CDN, NOW)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[ApplyEnv]:
    yield from make_env(tmp_path, monkeypatch, cli)


def test_the_engine_refuses_a_placeholder_before_the_post(env: ApplyEnv) -> None:
    """A plan file (made by an older vidspec, or edited and signed again) is applied as it
    stands: the engine is the last place to look."""
    env.write_videos(simple_videos(1))
    assert env.run("plan", "-o", "plan.json")[0] == 0

    def unfilled_script(doc: dict[str, list[dict[str, dict[str, object]]]]) -> None:
        doc["actions"][0]["spec"]["script"] = "Our ${each.product} is now 20% off."

    edit_plan(env, unfilled_script)
    mark = len(env.server.request_log)
    code, out, _ = env.run("apply", "plan.json")
    assert code == 1
    assert (
        "video-00  create  failed  script holds `${each.product}`, a placeholder nothing "
        "filled; nothing was sent (vidspec validate shows where)\n" in out
    )
    assert "POST" not in [method for method, _, _ in env.server.request_log[mark:]]
    assert env.live_ids() == set() and env.state().pending == ()


# --- end to end on the sandbox -----------------------------------------------------------------


def test_on_the_sandbox_a_header_typo_pays_for_nothing_and_the_fix_fills_the_text(
    tmp_path: Path, cli: Cli
) -> None:
    """Items 1 and 4 together: the text's placeholder matches no column because the header is
    misspelt; before, validate passed and apply sent `${each.product}` as the script."""
    root = sandbox_project(
        tmp_path,
        {
            "videos/data/promos.csv": ROWS.replace("product", "prodcut"),
            "videos/scripts/en.txt": "Our ${each.product} is now 20% off.\n",
            "videos/main.yaml": PROMO,
        },
    )
    expected = (
        "videos/data/promos.csv:1:5: column `prodcut` of the header looks misspelt: "
        "`${each.product}` (at videos/scripts/en.txt:1:5) names no column (rename the column "
        "to `product` in videos/data/promos.csv; or, if the header is right, write "
        "`${each.prodcut}`)"
    )
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        code, _, err = cli(root, *command)
        assert code == 1 and expected in err, (command, err)
    assert account_videos(root) == []

    (root / "videos" / "data" / "promos.csv").write_text(ROWS)
    code, _, err = cli(root, "apply", "--auto-approve")
    assert code == 0, err
    scripts = sorted(video.generation.script for video in account_videos(root))
    assert scripts == ["Our Garden chair is now 20% off.", "Our Patio table is now 20% off."]
