"""Located problems where a reviewer looks: GitHub workflow commands (``::error file=…``) that
mark the PR's diff line, and GitLab's code-quality report (JSON). Pure: problems in, text out.

``relative`` turns a problem's path (as shown, relative to the working directory) into one
relative to the repository root, which is what both forges resolve against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable

from vidspec.core.errors import Problem

TITLE = "vidspec"


def github_commands(problems: Iterable[Problem], relative: Callable[[str], str]) -> str:
    """One ``::error`` workflow command a problem; ``""`` for none."""
    lines = []
    for problem in problems:
        loc = problem.location
        props = [f"file={_prop(relative(loc.path))}"]
        if loc.line:
            props.append(f"line={loc.line}")
        if loc.column:
            props.append(f"col={loc.column}")
        props.append(f"title={_prop(TITLE)}")
        text = problem.message + (f" ({problem.hint})" if problem.hint else "")
        lines.append(f"::error {','.join(props)}::{_data(text)}")
    return "".join(f"{line}\n" for line in lines)


def gitlab_code_quality(problems: Iterable[Problem], relative: Callable[[str], str]) -> str:
    """GitLab's code-quality report: a JSON list of issues (``[]`` when there are none)."""
    issues = []
    for problem in problems:
        loc = problem.location
        path = relative(loc.path)
        text = problem.message + (f" ({problem.hint})" if problem.hint else "")
        key = f"{path}:{loc.line}:{loc.column}:{problem.message}"
        issues.append(
            {
                "description": text,
                "check_name": "vidspec",
                "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
                "severity": "major",
                "location": {"path": path, "lines": {"begin": max(loc.line, 1)}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
