"""Lenient JSON extraction from model text (pure).

Models wrap JSON in code fences, prose, or ``{"boxes": [...]}``-style objects, and a MAX_TOKENS
cut-off leaves an array unterminated. ``extract_json`` finds the JSON value and, for a truncated
array, keeps every complete element and says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from langchain_gemini_vision.errors import ResponseParseError

# A fence opens at the start of a line: "```" inside a JSON string value is not a fence.
_FENCE = re.compile(
    r"^[ \t]*```[ \t]*(?:json|JSON|javascript|js)?[ \t]*\r?\n?(.*?)(?:```|\Z)",
    re.DOTALL | re.MULTILINE,
)


@dataclass
class ParsedJSON:
    """A JSON value recovered from model text, and what had to be repaired to get it."""

    value: Any
    repairs: list[str] = field(default_factory=list)
    truncated: bool = False


def _candidates(text: str) -> list[str]:
    """Texts to try, best first: fenced blocks, then the whole text."""
    found = [m.group(1).strip() for m in _FENCE.finditer(text)]
    return [c for c in found if c] + [text.strip()]


def _first_json_start(text: str) -> int:
    positions = [p for p in (text.find("["), text.find("{")) if p >= 0]
    return min(positions) if positions else -1


def _salvage_array(text: str) -> list[Any] | None:
    """Decode complete elements of a (possibly unterminated) top-level JSON array."""
    start = text.find("[")
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos = start + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return items
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return items
        items.append(item)


def extract_json(text: str, *, expect: type | None = None) -> ParsedJSON:
    """Find the JSON value in a model answer.

    Args:
        text: The model's raw text.
        expect: ``list`` or ``dict`` to prefer that shape, or None for any JSON value.

    Returns:
        The value plus the repairs made (fence removed, prose dropped, truncated array salvaged).

    Raises:
        ResponseParseError: No JSON value could be recovered; carries the raw text.
    """
    if not text or not text.strip():
        raise ResponseParseError("The model returned an empty answer.", raw_text=text or "")
    decoder = json.JSONDecoder()
    fenced = "```" in text
    for candidate in _candidates(text):
        start = _first_json_start(candidate)
        if start < 0:
            continue
        try:
            value, end = decoder.raw_decode(candidate, start)
        except json.JSONDecodeError:
            salvaged = _salvage_array(candidate)
            if salvaged is not None and (expect in (None, list)) and candidate.lstrip()[:1] in "[":
                return ParsedJSON(
                    salvaged,
                    repairs=[
                        f"answer was cut off; kept the {len(salvaged)} complete item(s) "
                        "of a truncated JSON array"
                    ],
                    truncated=True,
                )
            continue
        if expect is not None and not isinstance(value, expect) and not isinstance(value, dict):
            continue
        repairs: list[str] = []
        if fenced:
            repairs.append("removed a markdown code fence around the JSON")
        if candidate[:start].strip() or candidate[end:].strip():
            repairs.append("ignored prose around the JSON")
        return ParsedJSON(value, repairs=repairs)
    raise ResponseParseError(
        "Could not find JSON in the model's answer; see .raw_text. Retrying usually helps; a "
        "lower temperature or a larger max_output_tokens makes it rarer.",
        raw_text=text,
    )


def unwrap_list(value: Any, keys: tuple[str, ...] = ()) -> tuple[list[Any], str | None]:
    """Return the list inside ``value``: itself, or the first list under a wrapper key.

    Returns:
        ``(items, wrapper_key)``; ``wrapper_key`` is None when ``value`` was already a list.

    Raises:
        ResponseParseError: ``value`` holds no list.
    """
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        for key in keys:
            if isinstance(value.get(key), list):
                return value[key], key
        lists = [(k, v) for k, v in value.items() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0][1], lists[0][0]
    raise ResponseParseError(
        "Expected a JSON list in the model's answer.", raw_text=json.dumps(value)[:2000]
    )
