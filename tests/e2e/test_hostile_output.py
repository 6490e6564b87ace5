"""Issue 10: what a server sends is data. Ids are checked against the provider's id format,
and names and messages are escaped before they reach a terminal or a file, in every output
format (text, JSON, Markdown, the results table, errors)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_run import Cli
from hostile import answer, rewrite_json
from hostile_env import GENERATE, LISTING, HostileEnv, make_hostile_env

from vidspec.core.errors import ProviderError

# Clears the screen, sets the window title, then reverses the text that follows.
EVIL = "\x1b[2J\x1b]0;pwned\x07Evil\u202e name\nline two"
RAW = ("\x1b", "\x07", "\u202e")


@pytest.fixture
def hostile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Iterator[HostileEnv]:
    yield from make_hostile_env(tmp_path, monkeypatch, cli)


def add_listed(extra: dict[str, Any]) -> Any:
    def change(page: Any) -> Any:
        return [*page, extra] if isinstance(page, list) and not page else page

    return rewrite_json(change)


def listed(**fields: Any) -> dict[str, Any]:
    return {
        "id": "6f1c9d7e-0000-4000-8000-000000000001",
        "video_name": "Listed",
        "date": "2026-01-01T00:00:00Z",
        "video_url": None,
        **fields,
    }


# -- 6: ids are data ---------------------------------------------------------------------------


def test_item06_an_id_that_is_not_a_uuid_is_refused(hostile_env: HostileEnv) -> None:
    odd = "abc\nvideos:\n  evil: {}"
    hostile_env.hostile.add("GET", LISTING, add_listed(listed(id=odd)), times=1)
    with pytest.raises(ProviderError) as caught:
        hostile_env.env.plan()
    text = str(caught.value)
    assert "an id that is not a UUID" in text and "abc\\nvideos" in text
    assert "\n  evil" not in text


def test_item06_a_created_id_that_is_not_a_uuid_is_refused(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add("POST", GENERATE, answer(200, {"status": "ok", "id": "../../x"}))
    outcome, detail, _ = hostile_env.apply_one()
    assert "not a UUID" in detail, (outcome, detail)


def test_item06_import_all_never_writes_an_id_into_the_manifest_as_text(
    hostile_env: HostileEnv,
) -> None:
    item = listed(
        id="6f1c9d7e-0000-4000-8000-000000000001\n  evil:\n    video_name: pwned",
        actor_name="Natalia",
        actor_version="4.0.0",
        voice_name="Sara",
        script="Hello there, this is a script.",
    )
    hostile_env.hostile.add("GET", LISTING, add_listed(item))
    code, _, err = hostile_env.env.run("import", "--all", "--write", "videos/imported.yaml")
    written = hostile_env.env.root / "videos" / "imported.yaml"
    if written.exists():
        document = yaml.safe_load(written.read_text(encoding="utf-8"))
        assert "evil" not in document["videos"], written.read_text(encoding="utf-8")
    assert code == 1 and "not a UUID" in err


# -- 9: names and messages are escaped in every output ---------------------------------------


def test_item09_a_listed_name_is_escaped_in_text_markdown_and_json(hostile_env: HostileEnv) -> None:
    hostile_env.hostile.add("GET", LISTING, add_listed(listed(video_name=EVIL)))
    code, text, err = hostile_env.env.run("plan")
    assert code == 0, err
    assert "Evil" in text and not any(c in text for c in RAW), repr(text)
    assert "\\x1b[2J" in text and "\\u202e" in text
    code, markdown, err = hostile_env.env.run("plan", "--markdown")
    assert "Evil" in markdown and not any(c in markdown for c in RAW), repr(markdown)
    code, document, err = hostile_env.env.run("plan", "--json")
    assert not any(c in document for c in RAW)
    names = [v["name"] for v in json.loads(document)["unmanaged"]["videos"]]
    assert names == [EVIL]  # JSON stays JSON: the value itself, escaped by the JSON encoding


def test_item09_a_server_message_is_escaped_in_errors_and_the_results_table(
    hostile_env: HostileEnv,
) -> None:
    refusal = {"status": "ERROR", "message": EVIL}
    hostile_env.hostile.add("POST", GENERATE, answer(422, refusal))
    hostile_env.one_video()
    code, out, err = hostile_env.env.run("apply", "--auto-approve")
    assert code == 1
    assert "Evil" in out + err
    assert not any(c in out + err for c in RAW), repr(out + err)
    assert "line two" in out + err and "name\nline two" not in out + err
