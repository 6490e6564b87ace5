"""Reading a HeyGen JSON body field by field, each problem a 400 ``invalid_parameter`` naming
the field as it was sent (``voice_settings.speed``): the readers ``rules`` and ``templating``
share.

Every field the API marks nullable may be ``null``, which reads as absent. A number is never a
boolean (JSON ``true`` is not 1). Unknown fields are ignored [vidspec: the reference server
does; HeyGen's docs do not say that it refuses them].
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from vidspec.emulator.heygen.errors import invalid


class Fields:
    """One JSON object of a request body, with readers that name its fields by their path."""

    def __init__(self, value: Mapping[str, Any], path: str = "") -> None:
        self.value = value
        self.path = path

    @classmethod
    def body(cls, document: Any) -> Fields:
        if not isinstance(document, Mapping):
            raise invalid("body", "the request body must be a JSON object")
        return cls(document)

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def present(self, key: str) -> bool:
        return self.value.get(key) is not None

    def object(self, key: str, *, required: bool = False) -> Fields | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise invalid(self.name(key), f"{self.name(key)} is required")
            return None
        if not isinstance(value, Mapping):
            raise invalid(self.name(key), f"{self.name(key)} must be an object")
        return Fields(value, self.name(key))

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.value.get(key)
        if value is None:
            if required:
                raise invalid(self.name(key), f"{self.name(key)} is required")
            return None
        if not isinstance(value, str):
            raise invalid(self.name(key), f"{self.name(key)} must be a string")
        return value

    def text(self, key: str, *, low: int, high: int) -> str | None:
        """A string of ``low`` to ``high`` characters (``script``: 1 to 5,000)."""
        value = self.string(key)
        if value is not None and not low <= len(value) <= high:
            raise invalid(
                self.name(key),
                f"{self.name(key)} must be {low} to {high} characters long, not {len(value)}",
            )
        return value

    def choice(self, key: str, allowed: Collection[Any]) -> Any:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or value not in allowed:
            shown = ", ".join(str(a) for a in allowed)
            raise invalid(self.name(key), f"{self.name(key)} must be one of {shown}, not {value!r}")
        return value

    def flag(self, key: str) -> bool | None:
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise invalid(self.name(key), f"{self.name(key)} must be true or false")
        return value

    def number(self, key: str, *, low: float, high: float) -> float | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(self.name(key), f"{self.name(key)} must be a number")
        if not (math.isfinite(value) and low <= value <= high):
            raise invalid(
                self.name(key),
                f"{self.name(key)} must be between {low:g} and {high:g}, not {value}",
            )
        return float(value)

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        value = self.number(key, low=low, high=high)
        if value is not None and not float(value).is_integer():
            raise invalid(self.name(key), f"{self.name(key)} must be a whole number")
        return None if value is None else int(value)

    def strings(self, key: str) -> list[str] | None:
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(self.name(key), f"{self.name(key)} must be a list of strings")
        return list(value)
