"""``vidspec import --all --write FILE`` against the CDNvideo emulator: the manifest it writes
validates, names every id, and the next plan is empty."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from cli_run import Cli
from project_env import TOKEN, Env, project_env

from vidspec.plan.importer import ADDRESS_PATTERN
from vidspec.project.config import load_project
from vidspec.project.loader import load_desired
from vidspec.project.model import spec_hash
from vidspec.project.schema import manifest_schema
from vidspec.state import PendingRecord

WELCOME_ONLY = """\
defaults:
  actor: {name: Natalia, version: 4.0.0, style: dressshirt, shot: waist, size: HD}
  voice: Sara

videos:
  welcome:
    video_name: Welcome
    script: Hello and welcome to Acme. We make talking videos for teams.
"""
NO_CHANGES = "No changes. Your videos match the manifests.\n"


@pytest.fixture
def env(tmp_path: Path, cli: Cli, clean_env: pytest.MonkeyPatch) -> Iterator[Env]:
    clean_env.setenv("CDN_TOKEN", TOKEN)
    with project_env(tmp_path, cli) as made:
        yield made


def ids_in_comments(text: str) -> dict[str, str]:
    """address -> id, read from the comment line above each address."""
    found: dict[str, str] = {}
    lines = text.splitlines()
    for above, line in itertools.pairwise(lines):
        comment = re.fullmatch(r"  # id (\S+), created \S+", above)
        if comment:
            address = re.fullmatch(r"  (\S+):", line)
            assert address, f"no address under {above!r}"
            found[address.group(1).strip("'")] = comment.group(1)
    return found


def test_all_writes_a_valid_manifest_and_the_next_plan_is_empty(env: Env) -> None:
    env.write_manifest(WELCOME_ONLY)
    managed = env.manage("welcome")
    spec = env.desired_spec("welcome")
    same_name = env.add_remote(spec)  # "Welcome": the address welcome is taken
    cyrillic = env.add_remote(
        spec, video_name="Привет, мир!", emotion="good", script="Line one.\nLine two: yes\n"
    )
    unnamed = env.add_remote(
        spec,
        video_name=None,
        frame_style="circle",
        circle={"location": "upperright", "border_color": "#112233"},
    )
    promo_a = env.add_remote(spec, video_name="Spring promo", script="Spring is here.")
    promo_b = env.add_remote(spec, video_name="Spring promo", script="Spring is here!")
    env.add_remote(spec, video_name="Yes", orientation="vertical", scale=0.5, shift=-0.25)

    code, out, err = env.run("import", "--all", "--write", "videos/imported.yaml")

    assert code == 0, err
    assert "Wrote 6 videos to" in err
    text = (env.root / "videos" / "imported.yaml").read_text()
    ids = ids_in_comments(text)
    assert ids["welcome_2"] == same_name
    assert ids["privet_mir"] == cyrillic
    assert ids[f"video_{unnamed[:8]}"] == unnamed
    assert {ids["spring_promo"], ids["spring_promo_2"]} == {promo_a, promo_b}
    assert "yes" in ids  # quoted in the file ('yes':), a string address when read
    assert managed not in ids.values()
    assert all(ADDRESS_PATTERN.fullmatch(a) for a in ids)
    # The file on its own follows the manifest schema ...
    jsonschema.Draft202012Validator(manifest_schema("cdnvideo")).validate(yaml.safe_load(text))
    # ... and loads with the project, asking for what each video was made from.
    desired = load_desired(load_project(env.root))
    assert desired.videos["privet_mir"].spec["script"] == "Line one.\nLine two: yes\n"
    assert desired.videos["privet_mir"].spec["emotion"] == "good"
    assert desired.videos["yes"].spec["composition"] == {
        "orientation": "vertical",
        "scale": 0.5,
        "shift": -0.25,
    }
    # Every listed address is in the state at its id, and printed on stdout.
    state = env.state()
    assert {a: state["videos"][a]["id"] for a in ids} == ids
    for address in ids:
        assert state["videos"][address]["spec_hash"] == desired.videos[address].spec_hash
    assert dict(re.findall(r"^(\S+) +-> (\S+)  ", out, re.MULTILINE)) == ids
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES)


def test_values_the_project_defaults_would_change_are_written_out(env: Env) -> None:
    (env.root / "videos" / "main.yaml").unlink()
    with (env.root / "vidspec.yaml").open("a") as handle:
        handle.write("defaults: {emotion: good, background: globe, voice: Sara}\n")
    body = {
        "script": "Defaults are the service's here.",
        "actor": {"name": "Natalia", "shot": "waist"},
        "voice": "Sara",
        "video_name": "Plain",
    }
    env.add_remote(body)  # neutral emotion, green screen: the service's defaults

    code, _, err = env.run("import", "--all", "--write", "videos/imported.yaml")

    assert code == 0, err
    written = yaml.safe_load((env.root / "videos" / "imported.yaml").read_text())
    video = written["videos"]["plain"]
    assert (video["emotion"], video["background"]) == ("neutral", "green_screen")
    assert "voice" not in video  # the project default says the same
    code, out, _ = env.run("plan", "--detailed-exitcode")
    assert (code, out) == (0, NO_CHANGES)


def test_all_refuses_to_overwrite_a_file(env: Env) -> None:
    env.add_remote(env.desired_spec("promo"))
    target = env.root / "videos" / "imported.yaml"
    target.write_text("# mine\n")
    code, _, err = env.run("import", "--all", "--write", "videos/imported.yaml")
    assert code == 1
    assert "videos/imported.yaml already exists; vidspec import never overwrites a file" in err
    assert target.read_text() == "# mine\n"
    assert not env.state_file.exists()
    assert env.server.request_log == []


def test_a_file_the_manifests_globs_miss_is_written_with_a_warning(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("promo"), video_name="Elsewhere")
    code, _, err = env.run("import", "--all", "--write", "other/imported.yaml")
    assert code == 0, err
    assert "other/imported.yaml is not matched by `manifests:` in vidspec.yaml (videos/*.yaml)" in (
        err.replace("\n", " ")
    )
    assert "the next plan would delete every video just adopted" in err
    assert env.state()["videos"]["elsewhere"]["id"] == video_id
    doc = env.plan_json()
    assert ("elsewhere", "delete", "not in any manifest") in [
        (a["address"], a["action"], a["reason"]) for a in doc["actions"]
    ]


def test_a_file_outside_the_project_is_written_with_a_warning(
    env: Env, tmp_path_factory: pytest.TempPathFactory
) -> None:
    env.add_remote(env.desired_spec("promo"), video_name="Outside")
    target = tmp_path_factory.mktemp("elsewhere") / "imported.yaml"
    code, _, err = env.run("import", "--all", "--write", str(target))
    assert code == 0, err
    assert target.is_file()
    assert "is outside the project" in err
    assert "outside" in env.state()["videos"]


def test_dry_run_prints_the_manifest_and_writes_nothing(env: Env) -> None:
    video_id = env.add_remote(env.desired_spec("promo"), video_name="Dry")
    code, out, err = env.run("import", "--all", "--dry-run")
    assert code == 0, err
    assert f"  # id {video_id}, created " in out
    assert yaml.safe_load(out)["videos"]["dry"]["video_name"] == "Dry"
    assert "Dry run: 1 video would be written and adopted; nothing was changed." in err
    assert not env.state_file.exists()
    assert sorted(p.name for p in (env.root / "videos").iterdir()) == ["main.yaml"]


def test_nothing_unmanaged_writes_nothing(env: Env) -> None:
    env.manage("welcome")
    code, out, err = env.run("import", "--all", "--write", "videos/imported.yaml")
    assert (code, out) == (0, "")
    assert "No unmanaged videos to import; nothing was written." in err
    assert not (env.root / "videos" / "imported.yaml").exists()


def test_all_leaves_a_video_a_pending_create_may_have_made_alone(env: Env) -> None:
    body: dict[str, Any] = env.desired_spec("promo")
    env.save_state(
        lambda state: state.with_pending(
            PendingRecord("promo", "create", spec_hash(body), body, env.clock.now())
        )
    )
    env.clock.advance(5)
    pending_result = env.add_remote(body)  # may be what the lost create made
    kept = env.add_remote(body, video_name="Kept")

    code, _, err = env.run("import", "--all", "--write", "videos/imported.yaml")

    assert code == 0, err
    assert "Not imported (1):" in err
    assert (
        f'{pending_result}  "Spring promo": may be the result of the create pending for '
        f"promo; vidspec plan adopts it there" in err
    )
    state = env.state()
    assert {a: r["id"] for a, r in state["videos"].items()} == {"kept": kept}
    assert [p["address"] for p in state["pending"]] == ["promo"]
    doc = env.plan_json()
    assert [(a["address"], a["action"]) for a in doc["actions"]] == [
        ("promo", "adopt"),
        ("welcome", "create"),
    ]


def test_written_manifest_has_an_id_comment_above_each_address(env: Env) -> None:
    first = env.add_remote(env.desired_spec("promo"), video_name="First")
    code, _, _ = env.run("import", "--all", "--write", "videos/imported.yaml")
    assert code == 0
    text = (env.root / "videos" / "imported.yaml").read_text()
    assert text.startswith("# Written by `vidspec import --all` on ")
    assert (
        textwrap.dedent(
            f"""\
        videos:
          # id {first}, created"""
        )
        in text
    )
