"""The S3 state backend through the command line (sandbox provider, moto's S3 server):
vidspec.yaml's `state:` mapping, plan/apply with the state and usage in S3, state pull/push,
migrate both ways, saved plans bound to their backend, force-unlock, and no credential in any
output or file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import Cli

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from s3_env import (
    KEY,
    KEY_ID,
    SANDBOX,
    SECRET,
    S3Env,
    assert_no_credentials,
    assert_no_credentials_in_tree,
    s3_environ,
    s3_project,
    videos,
)

from vidspec.core.errors import BackendError, ManifestError
from vidspec.project.config import load_project
from vidspec.state import LocalStateStore, open_state_store


def local_project(root: Path, *names: str) -> Path:
    (root / "videos").mkdir(parents=True, exist_ok=True)
    (root / "vidspec.yaml").write_text(
        "version: 1\n" + SANDBOX + 'manifests: ["videos/*.yaml"]\n', encoding="utf-8"
    )
    (root / "videos" / "main.yaml").write_text(videos(*names), encoding="utf-8")
    return root


# --- vidspec.yaml ------------------------------------------------------------------------


def test_the_state_mapping_is_read(s3: S3Env, tmp_path: Path) -> None:
    project = s3.write_project(tmp_path)
    assert project.state_backend is not None
    assert project.state_backend.url == f"s3://{s3.bucket}/{KEY}"
    assert project.state_backend.endpoint_url == s3.endpoint
    assert project.state_path == tmp_path / ".vidspec" / "state.json"  # work dir unchanged


def test_credentials_in_the_state_mapping_are_refused_without_showing_them(
    s3: S3Env, tmp_path: Path
) -> None:
    s3.write_project(tmp_path)
    text = (tmp_path / "vidspec.yaml").read_text()
    (tmp_path / "vidspec.yaml").write_text(
        text + f"  access_key: {KEY_ID}\n  secret_key: {SECRET}\n"
    )
    with pytest.raises(ManifestError) as caught:
        load_project(tmp_path)
    message = str(caught.value)
    assert "vidspec.yaml:9:3: state.access_key is a credential" in message
    assert "state.secret_key is a credential" in message and "AWS_PROFILE" in message
    assert_no_credentials(message)


def test_a_bad_state_mapping_points_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "vidspec.yaml").write_text(
        "version: 1\nstate:\n  backend: gcs\n  bucket: Not_A_Bucket\n"
    )
    with pytest.raises(ManifestError) as caught:
        load_project(tmp_path)
    message = str(caught.value)
    assert "vidspec.yaml:3:3: state.backend must be 's3', not 'gcs'" in message
    assert "vidspec.yaml:4:3: state.bucket is 'Not_A_Bucket', not an S3 bucket name" in message
    assert "vidspec.yaml:2:1: missing field 'state.key'" in message


def test_without_boto3_the_error_names_the_state_line(
    s3: S3Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.write_project(tmp_path)
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 -> ImportError
    with pytest.raises(BackendError) as caught:
        open_state_store(load_project(tmp_path))
    message = str(caught.value)
    assert "vidspec.yaml:3:1: `state:` uses backend: s3, which needs boto3" in message
    assert "pip install 'vidspec[s3]'" in message


# --- plan and apply ----------------------------------------------------------------------


def test_plan_and_apply_keep_state_and_usage_in_s3(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = s3_project(s3, tmp_path / "p", "intro", "promo")
    code, out, err = cli(root, "apply", "--auto-approve", "--no-wait")
    assert code == 0, err
    state = json.loads(s3.body(KEY) or b"")
    assert sorted(state["videos"]) == ["intro", "promo"]
    assert not (root / ".vidspec" / "state.json").exists()  # nothing local
    assert not (root / ".vidspec" / "usage.json").exists()
    usage = json.loads(s3.body(f"{KEY}.usage") or b"")
    assert next(iter(usage.values())) > 0
    code, out, _ = cli(root, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes" in out
    debug = subprocess.run(  # a fresh process, so -vv really logs to stderr
        [sys.executable, "-m", "vidspec", "-C", str(root), "-vv", "plan"],
        env={**os.environ, **s3_environ(s3.endpoint)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert debug.returncode == 0 and "vidspec: " in debug.stderr, debug.stderr
    cli.outputs += [debug.stdout, debug.stderr]
    code, out, _ = cli(root, "state", "list")
    assert code == 0 and "intro" in out and "promo" in out
    assert s3.keys() == [KEY, f"{KEY}.backup", f"{KEY}.usage"]  # no lock left behind
    assert_no_credentials(*cli.outputs)
    assert_no_credentials_in_tree(tmp_path)


def test_two_projects_against_one_key_count_one_month_together(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    first = s3_project(s3, tmp_path / "runner-1", "intro")
    second = s3_project(s3, tmp_path / "runner-2", "intro")
    assert cli(first, "plan")[0] == 0
    after_first = sum(json.loads(s3.body(f"{KEY}.usage") or b"").values())
    assert after_first > 0
    assert cli(second, "plan")[0] == 0
    after_both = sum(json.loads(s3.body(f"{KEY}.usage") or b"").values())
    assert after_both == 2 * after_first  # the same plan costs the same, counted once each
    _code, out, _ = cli(second, "plan")  # counts itself too: 3 plans of the same cost
    assert f"({after_both + after_first} of 1500 used this month)" in out


def test_a_saved_plan_refuses_another_backend(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = local_project(tmp_path, "intro")
    assert cli(root, "plan", "-o", "plan.json")[0] == 0
    saved = json.loads((root / "plan.json").read_text())
    assert saved["saved"]["backend"] == "local"
    (root / "vidspec.yaml").write_text(
        (root / "vidspec.yaml").read_text() + s3.state_block(), encoding="utf-8"
    )
    code, _, err = cli(root, "apply", "plan.json")
    assert code == 1
    assert "was planned against the state in local" in err
    assert f"now in s3://{s3.bucket}/{KEY} at {s3.endpoint}" in err


# --- pull and push -----------------------------------------------------------------------


def test_pull_prints_the_state_and_push_checks_lineage_and_serial(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    root = s3_project(s3, tmp_path, "intro")
    assert cli(root, "state", "pull")[0] == 1  # no state yet
    assert cli(root, "apply", "--auto-approve", "--no-wait")[0] == 0
    code, pulled, _ = cli(root, "state", "pull")
    assert code == 0 and pulled == (s3.body(KEY) or b"").decode()
    (tmp_path / "old.json").write_text(pulled)

    (root / "videos" / "main.yaml").write_text(videos("intro", "promo"))
    assert cli(root, "apply", "--auto-approve", "--no-wait")[0] == 0
    serial = json.loads(s3.body(KEY) or b"")["serial"]

    code, _, err = cli(root, "state", "push", str(tmp_path / "old.json"))
    assert code == 1 and f"has serial {serial}, newer than" in err
    assert json.loads(s3.body(KEY) or b"")["serial"] == serial  # untouched

    code, _out, err = cli(root, "state", "push", "--force", str(tmp_path / "old.json"))
    assert code == 0, err
    assert "WARNING: --force: overwriting" in err and f"{KEY}.backup" in err
    now = json.loads(s3.body(KEY) or b"")
    assert now["serial"] == serial + 1 and sorted(now["videos"]) == ["intro"]
    assert sorted(json.loads(s3.body(f"{KEY}.backup") or b"")["videos"]) == ["intro", "promo"]

    other = json.loads(pulled)
    other["lineage"] = "00000000-0000-4000-8000-000000000000"
    (tmp_path / "other.json").write_text(json.dumps(other))
    code, _, err = cli(root, "state", "push", str(tmp_path / "other.json"))
    assert code == 1 and "these are two different states" in err


# --- migrate -----------------------------------------------------------------------------


def test_migrate_local_to_s3_and_back(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = local_project(tmp_path, "intro")
    assert cli(root, "apply", "--auto-approve", "--no-wait")[0] == 0
    local = LocalStateStore(load_project(root))
    local_text = local.path.read_text()
    local_usage = json.loads((root / ".vidspec" / "usage.json").read_text())

    # One edit: state becomes the S3 mapping; then migrate.
    (root / "vidspec.yaml").write_text(
        (root / "vidspec.yaml").read_text() + s3.state_block(), encoding="utf-8"
    )
    code, out, err = cli(root, "state", "migrate")
    assert code == 0, err
    assert f"from .vidspec/state.json to s3://{s3.bucket}/{KEY}" in out.replace(str(root) + "/", "")
    assert (s3.body(KEY) or b"").decode() == local_text  # lineage and serial kept
    assert json.loads(s3.body(f"{KEY}.usage") or b"") == local_usage
    code, out, _ = cli(root, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes" in out

    code, out, _ = cli(root, "state", "migrate")  # again: nothing to copy
    assert code == 0 and "already holds the state" in out

    # Work goes on in S3, then the team moves back to a local file.
    (root / "videos" / "main.yaml").write_text(videos("intro", "promo"))
    assert cli(root, "apply", "--auto-approve", "--no-wait")[0] == 0
    in_s3 = (s3.body(KEY) or b"").decode()
    (root / "vidspec.yaml").write_text(
        # in .vidspec/ as before: the sandbox's account lives beside the state, and a state
        # that moved away from it would meet an empty account (its finished videos "deleted")
        "version: 1\n" + SANDBOX + 'manifests: ["videos/*.yaml"]\nstate: .vidspec/team-state.json\n'
    )
    code, out, err = cli(root, "state", "migrate")
    assert code == 0, err
    assert (root / ".vidspec" / "team-state.json").read_text() == in_s3
    code, out, _ = cli(root, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes" in out
    assert_no_credentials(*cli.outputs)
    assert_no_credentials_in_tree(tmp_path)


def test_migrate_refuses_a_target_with_another_lineage(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    theirs = s3_project(s3, tmp_path / "theirs", "intro")
    assert cli(theirs, "apply", "--auto-approve", "--no-wait")[0] == 0
    before = s3.body(KEY)

    ours = local_project(tmp_path / "ours", "promo")
    assert cli(ours, "apply", "--auto-approve", "--no-wait")[0] == 0
    (ours / "vidspec.yaml").write_text(
        (ours / "vidspec.yaml").read_text() + s3.state_block(), encoding="utf-8"
    )
    code, _, err = cli(ours, "state", "migrate")
    assert code == 1
    assert f"s3://{s3.bucket}/{KEY} already holds a state of another lineage" in err
    assert s3.body(KEY) == before

    # and the other way: an S3 state onto a local file of another lineage
    code, _, err = cli(ours, "state", "migrate", "--from", ".vidspec/state.json")
    assert code == 1 and "another lineage" in err
    (ours / "vidspec.yaml").write_text(
        "version: 1\n" + SANDBOX + 'manifests: ["videos/*.yaml"]\n', encoding="utf-8"
    )
    code, _, err = cli(ours, "state", "migrate")
    assert code == 1 and ".vidspec/state.json already holds a state of another lineage" in err


# --- force-unlock ------------------------------------------------------------------------


def test_force_unlock_shows_the_holder_first(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = s3_project(s3, tmp_path, "intro")
    store = open_state_store(load_project(root))
    lock = store.lock("vidspec apply (a runner that died)")
    info = lock.__enter__()
    code, _, err = cli(root, "plan")
    assert code == 1 and f"vidspec force-unlock {info.id}" in err
    assert "Command: vidspec apply (a runner that died)" in err
    # the "dead runner" is this test process, alive on this machine: item 8 asks for -f twice
    code, out, err = cli(root, "force-unlock", "--force", "--force", info.id)
    assert code == 0
    assert err.index("held by:") < err.index(info.id)
    assert f"Removing the lock of s3://{s3.bucket}/{KEY}" in err
    assert "The lock was removed" in out
    assert s3.body(f"{KEY}.lock") is None
    assert cli(root, "plan")[0] == 0
    lock.__exit__(None, None, None)  # the dead runner's release: its lock is gone, no error


def test_a_saved_plan_applies_against_its_own_s3_backend(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    root = s3_project(s3, tmp_path, "intro")
    assert cli(root, "plan", "-o", "plan.json")[0] == 0
    saved = json.loads((root / "plan.json").read_text())
    assert saved["saved"]["backend"] == f"s3://{s3.bucket}/{KEY} at {s3.endpoint}"
    code, _, err = cli(root, "apply", "plan.json", "--no-wait")
    assert code == 0, err
    assert sorted(json.loads(s3.body(KEY) or b"")["videos"]) == ["intro"]


def test_pull_and_push_work_on_the_local_file_too(tmp_path: Path, cli: Cli) -> None:
    root = local_project(tmp_path, "intro")
    assert cli(root, "apply", "--auto-approve", "--no-wait")[0] == 0
    code, pulled, _ = cli(root, "state", "pull")
    assert code == 0 and pulled == (root / ".vidspec" / "state.json").read_text()
    older = json.loads(pulled)
    older["serial"] = 0
    (tmp_path / "older.json").write_text(json.dumps(older))
    code, _, err = cli(root, "state", "push", str(tmp_path / "older.json"))
    assert code == 1 and "refusing to overwrite it" in err
    code, out, _ = cli(root, "state", "push", str(tmp_path / "older.json"), "--force")
    assert code == 0 and "Pushed" in out
    written = json.loads((root / ".vidspec" / "state.json").read_text())
    assert written["serial"] == json.loads(pulled)["serial"] + 1 and written["videos"]
    assert (root / ".vidspec" / "state.json.backup").read_text() == pulled
