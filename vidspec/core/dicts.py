"""The one getter of a value inside nested mappings (a request body, a manifest video)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def value_at(doc: Any, path: str | Sequence[str], default: Any = None) -> Any:
    """The value at ``path`` (dotted, ``"actor.name"``, or its parts) in ``doc``, or
    ``default`` when a part is absent or a leaf stands where a parent should."""
    node = doc
    for part in path.split(".") if isinstance(path, str) else path:
        if not isinstance(node, Mapping) or part not in node:
            return default
        node = node[part]
    return node


__all__ = ["value_at"]
