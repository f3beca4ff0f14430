"""Proto JSON field names as the live API reads them, shared by the emulator's request parsers.

The API parses proto JSON: every field may be written in lowerCamel or in its original snake_case
name, and unknown names are rejected. Requests, their media parts and upload metadata all follow
that one rule, so it lives apart from any of them.
"""

from __future__ import annotations

from typing import Any

from langchain_gemini_vision.testing import _wire


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _normalise(obj: dict[str, Any], known: set[str], at: str | None) -> dict[str, Any]:
    """Map snake_case keys to lowerCamel and reject unknown ones like the API does."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        camel = _camel(key)
        if camel not in known:
            raise _wire.unknown_field(key, at)
        out[camel] = value
    return out


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if obj.get(key) is not None:
            return obj[key]
    return None
