"""Video addresses: ``welcome`` for a video, ``promo[de]`` for one instance of a ``for_each``.

One place says what an address may look like (the manifest schema's ``address`` pattern is
the same text), how a selector such as ``--target promo`` matches the instances of a
definition, and the natural order every listing uses (``clip2`` before ``clip10``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"
NAME_PATTERN = re.compile(NAME)
# A key is a valid address part: the same characters as a name.
KEY_PATTERN = NAME_PATTERN
ADDRESS_PATTERN = re.compile(rf"({NAME})(?:\[({NAME})\])?")
KEY_HINT = (
    "a key uses letters, digits, '_', '.' and '-', starts with a letter or digit, "
    "at most 128 characters"
)


def instance_address(name: str, key: str) -> str:
    """``promo[de]``."""
    return f"{name}[{key}]"


def is_address(text: str) -> bool:
    """A video's or an instance's address (``welcome``, ``promo[de]``)."""
    return ADDRESS_PATTERN.fullmatch(text) is not None


def is_key(text: str) -> bool:
    return KEY_PATTERN.fullmatch(text) is not None


def split_address(address: str) -> tuple[str, str | None]:
    """``promo[de]`` -> (``promo``, ``de``); ``welcome`` -> (``welcome``, None)."""
    match = ADDRESS_PATTERN.fullmatch(address)
    if match is None:
        return address, None
    return match.group(1), match.group(2)


def selects(selector: str, address: str) -> bool:
    """Whether ``--target``-style ``selector`` names ``address``: itself, or, for a bare
    definition name, every instance of it (``promo`` selects ``promo[de]``)."""
    if selector == address:
        return True
    return "[" not in selector and address.startswith(selector + "[") and address.endswith("]")


def select(selectors: Iterable[str], addresses: Iterable[str]) -> set[str]:
    """The addresses that any selector names."""
    wanted = set(selectors)
    found = set()
    for address in addresses:
        if address in wanted or split_address(address)[0] in wanted:
            found.add(address)
    return found


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders the numbers inside text by value: ``clip2`` < ``clip10``.

    Each part is (0, number, digits) or (1, 0, text), so numbers and text never compare with
    each other, and ``clip02`` and ``clip2`` still have a fixed order (by their digits)."""
    parts: list[tuple[int, int, str]] = []
    for index, part in enumerate(_DIGITS.split(text)):
        if index % 2:
            parts.append((0, int(part), part))
        elif part:
            parts.append((1, 0, part))
    return tuple(parts)
