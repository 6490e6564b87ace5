"""``vidspec providers [--json|--markdown]`` (issue 22): every installed kind, with its package,
version and capabilities, and whether it loads; the README's table is its Markdown form."""

from __future__ import annotations

import json
import re

from cli_run import Cli
from plugin_dists import PluginDir
from repo_paths import REPO

import vidspec

README = REPO / "README.md"


def test_providers_lists_the_built_in_kinds_with_what_they_can_do(
    cli: Cli,
) -> None:
    code, out, _ = cli("providers", "--package", "vidspec")
    assert code == 0
    lines = out.splitlines()
    first = lines.index(f"vidnoz  vidspec {vidspec.__version__}  (Vidnoz, plugin API 1.0)")
    assert "  limits: creates 60/60s + 300/3600s + 1000/86400s" in lines  # Synthesia's windows
    assert "  limits: creates 10/1s + 10 at once" in lines  # HeyGen's videos generating at once
    assert lines[first : first + 5] == [
        f"vidnoz  vidspec {vidspec.__version__}  (Vidnoz, plugin API 1.0)",
        "  rename no, delete no, cancel no",
        "  limits: creates 1/1s, calls 1/1s",
        "  listing: 10000 a page, last page marked, shows tasks",
        "  cost: credits (4 a minute); emulator: yes",
    ]


def test_providers_json_says_which_kinds_load(plugins: PluginDir, cli: Cli) -> None:
    plugins.install("vidspec-broken", "broken", "vidspec_test_broken", "raise RuntimeError('x')\n")
    code, out, _ = cli("providers", "--json")
    assert code == 0
    document = json.loads(out)
    rows = {row["kind"]: row for row in document["providers"]}
    assert document["format_version"] == 1
    assert rows["broken"]["loads"] is False
    assert rows["broken"]["package"] == "vidspec-broken"
    assert "RuntimeError: x" in rows["broken"]["error"]
    assert rows["cdnvideo"]["loads"] is True
    assert (rows["cdnvideo"]["can_rename"], rows["vidnoz"]["can_rename"]) == (True, False)
    assert rows["vidnoz"]["cost"] == "credits (4 a minute)"


def test_a_broken_plugin_is_listed_as_not_loading_and_the_others_still_are(
    plugins: PluginDir, cli: Cli
) -> None:
    plugins.install("vidspec-broken", "broken", "vidspec_test_broken", "import nothing_here\n")
    code, out, _ = cli("providers")
    assert code == 0
    assert "broken  vidspec-broken 1.2.3\n  does not load: the provider plugin for kind " in out
    assert "cdnvideo  vidspec" in out and "vidnoz  vidspec" in out


def test_the_readme_table_is_what_vidspec_providers_markdown_prints(
    cli: Cli,
) -> None:
    code, out, _ = cli("providers", "--markdown", "--package", "vidspec")
    assert code == 0
    readme = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- providers:begin -->\n(.*?)<!-- providers:end -->", readme, re.S)
    assert block is not None, "README.md lost its providers table markers"
    assert block.group(1) == out, "run: vidspec providers --markdown --package vidspec"
