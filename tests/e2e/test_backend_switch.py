"""A switched ``state:`` backend that the state never moved to (issue 20, item 2): after
editing vidspec.yaml to the S3 backend, `plan` said `Plan: 41 to create` against the empty
bucket. Now `plan` and `apply` refuse while the configured state is empty and this project's
state is at another place vidspec knows, naming the exact `vidspec state migrate` command;
`--force` does not override. The sandbox's account shows that nothing was generated; S3 is
moto's server (tests/support/s3_env.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("boto3", reason="the S3 tests need the test extra (boto3, moto)")
from cli_run import Cli
from paid_env import account_videos, sandbox_project
from s3_env import KEY, S3Env, assert_no_credentials

VIDEOS = (
    "videos:\n"
    "  intro: {video_name: Intro, script: Hello from the intro.}\n"
    "  promo: {video_name: Promo, script: Spring is here.}\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


def project(root: Path, state: str = "") -> Path:
    return sandbox_project(root, {"videos/main.yaml": VIDEOS}, extra=state)


def switch(root: Path, state: str) -> None:
    """Edit vidspec.yaml's `state:` (the one edit a user makes)."""
    project(root, state)


def refused(cli: Cli, root: Path, command: str, where: str, held: str) -> None:
    """`plan` and `apply --auto-approve --force` refuse, naming ``command``."""
    for args in (["plan"], ["apply", "--auto-approve", "--force"]):
        code, out, err = cli(root, *args)
        assert (code, out) == (1, ""), err
        assert f"{where} holds no videos, but {held} holds this project's state (2 videos" in err
        assert f"Run `{command}` to move it to {where}" in err
        assert "--force does not override this." in err
        assert_no_credentials(err)
    assert len(account_videos(root)) == 2  # nothing generated again


def test_local_to_s3_refuses_until_migrated(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = project(tmp_path)
    assert cli(root, "apply", "--auto-approve")[0] == 0
    switch(root, s3.state_block())
    target = f"s3://{s3.bucket}/{KEY}"
    refused(cli, root, "vidspec state migrate", target, ".vidspec/state.json")
    assert s3.keys() == []  # no state was written to the bucket either

    assert cli(root, "state", "migrate")[0] == 0
    code, out, err = cli(root, "plan", "--detailed-exitcode")
    assert (code, out) == (0, "No changes. Your videos match the manifests.\n"), err


def test_s3_to_local_and_one_key_to_another(s3: S3Env, tmp_path: Path, cli: Cli) -> None:
    root = project(tmp_path, s3.state_block())
    assert cli(root, "apply", "--auto-approve")[0] == 0
    # another key of the same bucket
    switch(root, s3.state_block("marketing/other.json"))
    old = f"s3://{s3.bucket}/{KEY}"
    refused(cli, root, "vidspec state migrate", f"s3://{s3.bucket}/marketing/other.json", old)
    # a state: path that is neither: the command names its source
    switch(root, "state: .vidspec/team.json\n")
    refused(cli, root, "vidspec state migrate", ".vidspec/team.json", old)
    assert cli(root, "state", "migrate")[0] == 0
    assert cli(root, "plan", "--detailed-exitcode")[0] == 0
    # and on from there to the default path, from the place it was last seen
    switch(root, "")
    refused(cli, root, "vidspec state migrate", ".vidspec/state.json", ".vidspec/team.json")


def test_in_a_fresh_clone_the_default_path_is_known_and_named(tmp_path: Path, cli: Cli) -> None:
    """.vidspec/backend.json is git-ignored: a clone knows only the default path, and the
    command names it, since `state migrate` alone would not find it."""
    root = project(tmp_path)
    assert cli(root, "apply", "--auto-approve")[0] == 0
    (root / ".vidspec" / "backend.json").unlink()
    switch(root, "state: .vidspec/team.json\n")
    command = "vidspec state migrate --from .vidspec/state.json"
    refused(cli, root, command, ".vidspec/team.json", ".vidspec/state.json")
    assert cli(root, *command.split()[1:])[0] == 0
    assert cli(root, "plan", "--detailed-exitcode")[0] == 0


def test_removing_the_old_state_is_the_other_way_out(tmp_path: Path, cli: Cli) -> None:
    root = project(tmp_path)
    assert cli(root, "apply", "--auto-approve")[0] == 0
    switch(root, "state: .vidspec/new.json\n")
    code, _, err = cli(root, "plan")
    assert (
        code == 1 and "or, if that state is not wanted any more, delete .vidspec/state.json" in err
    )
    (root / ".vidspec" / "state.json").unlink()
    code, _, err = cli(root, "plan", "--json")
    assert code == 0, err  # planned: the two videos are made again (unmanaged ones warned of)


def test_an_emptied_state_of_the_same_lineage_is_not_a_stranded_one(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    root = project(tmp_path)
    assert cli(root, "apply", "--auto-approve")[0] == 0
    switch(root, s3.state_block())
    assert cli(root, "state", "migrate")[0] == 0
    assert cli(root, "destroy", "--auto-approve")[0] == 0  # S3's state now holds no video
    code, _, err = cli(root, "plan", "--json")
    assert code == 0, err  # the local file is the same state, older: no refusal


def test_a_noted_place_that_cannot_be_read_is_a_refusal_too(
    s3: S3Env, tmp_path: Path, cli: Cli
) -> None:
    root = project(tmp_path, s3.state_block())
    assert cli(root, "apply", "--auto-approve")[0] == 0
    note = root / ".vidspec" / "backend.json"
    note.write_text(note.read_text().replace(s3.bucket, "vidspec-no-such-bucket"))
    switch(root, "")
    (root / ".vidspec" / "state.json").unlink(missing_ok=True)
    code, _, err = cli(root, "plan")
    assert code == 1
    assert (
        ".vidspec/state.json holds no videos, and the state this project had at "
        f"s3://vidspec-no-such-bucket/{KEY} cannot be read to see whether it holds them:" in err
    )
    assert "if it is gone, delete .vidspec/backend.json (vidspec then forgets that place)" in err
    note.unlink()
    assert cli(root, "plan", "--json")[0] == 0
