"""Transcript segments and chapters from the items of a JSON answer (pure).

Keys are matched case- and punctuation-insensitively (``startTime``, ``start_time``, ``Start
Time``). The text may sit under any key a model plausibly uses (``text``, ``caption``,
``description``, ``speech``...), or under the only string field of an item; an item may use its
time as the key (``{"00:00": "..."}``, several such keys make several segments).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from langchain_gemini_vision._core.timestamps import (
    find_leading_range,
    parse_time_range,
    parse_timestamp,
)
from langchain_gemini_vision.video._prose_segments import clean_text, strip_markup
from langchain_gemini_vision.video._windows import RawSegment

__all__ = ["ItemReader", "is_time_key", "item_times", "norm_key", "pick", "plain"]

_START = ("start", "starttime", "starttimestamp", "startts", "begin", "from", "tstart", "starts")
_END = ("end", "endtime", "endtimestamp", "endts", "stop", "to", "tend", "ends", "until")
_RANGE = (
    "timestamp", "time", "timestamps", "timerange", "range", "ts", "timecode", "timespan",
    "interval", "at", "when", "period", "span", "clock", "times",
)  # fmt: skip
TEXT_KEYS = (
    "text", "transcript", "transcription", "caption", "captions", "speech", "dialogue",
    "dialog", "narration", "content", "audio", "subtitle", "subtitles", "utterance", "line",
    "said", "spoken", "quote", "words", "summary", "description", "event", "action", "details",
)  # fmt: skip
"""Where a segment's text may be, best first (normalised spelling)."""
_VISUAL = ("visual", "visualdescription", "visuals", "scene", "onscreen", "screen", "description")
_SPEAKER = ("speaker", "speakername", "speakerlabel", "voice", "who")
_METADATA = ("id", "index", "type", "language", "lang", "confidence", "kind", "duration", "url")
_KEY_CHARS = re.compile(r"[^a-z0-9]")


def norm_key(key: object) -> str:
    """``"Start Time"`` / ``"start_time"`` / ``"startTime"`` -> ``"starttime"``."""
    return _KEY_CHARS.sub("", str(key).lower())


def pick(item: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first non-empty ``(original_key, value)`` whose normalised key is in ``keys``."""
    by_norm: dict[str, tuple[str, Any]] = {}
    for key, value in item.items():
        by_norm.setdefault(norm_key(key), (str(key), value))
    for key in keys:
        found = by_norm.get(key)
        if found is not None and found[1] not in (None, "", [], {}):
            return found
    return None


def plain(value: Any) -> str:
    """A JSON value as clean text (lists joined, markdown residue stripped)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(t for t in (plain(v) for v in value) if t).strip()
    if isinstance(value, dict):
        found = pick(value, TEXT_KEYS)
        return plain(found[1]) if found is not None else ""
    # A JSON value is the model's text as such: only inline markup is residue, not "1." or "-".
    return strip_markup(str(value))


def is_time_key(key: str) -> bool:
    """Whether a JSON key is itself a time (``"00:16"``, ``"0:00-0:16"``, ``"[01:05]"``)."""
    if ":" not in key:
        return False
    try:
        parse_time_range(key)
    except ValueError:
        return False
    return True


def _range_value(value: Any) -> tuple[float, float | None]:
    if isinstance(value, dict):
        start = pick(value, _START)
        if start is None:
            raise ValueError("no start in the time object")
        end = pick(value, _END)
        return _range_value(start[1])[0], None if end is None else _range_value(end[1])[0]
    if isinstance(value, list) and value:
        first = _range_value(value[0])[0]
        return first, _range_value(value[1])[0] if len(value) > 1 else None
    if isinstance(value, str):
        found = find_leading_range(value)
        if found is not None and not found[2]:
            return found[0], found[1]
        return parse_time_range(value)
    return parse_timestamp(value), None


def item_times(item: dict[str, Any]) -> tuple[float, float | None]:
    """Start and end of a JSON item; raises ValueError when there is no readable start."""
    start = pick(item, _START)
    end = pick(item, _END)
    if start is None:
        ranged = pick(item, _RANGE)
        if ranged is None:
            raise ValueError("no timestamp")
        return _range_value(ranged[1])
    first, range_end = _range_value(start[1])
    if end is not None:
        try:
            return first, _range_value(end[1])[0]
        except ValueError:
            pass
    return first, range_end


_TIME_KEYS = _START + _END + _RANGE


@dataclass
class ItemReader:
    """Reads items one by one and remembers which unusual keys it had to use."""

    text_keys: Counter[str] = field(default_factory=Counter)
    time_keyed: int = 0

    def segments(self, item: Any) -> list[RawSegment]:
        """The segments of one item (several for ``{"00:00": "..", "00:16": ".."}``).

        Raises:
            ValueError: The item has no readable time.
        """
        if isinstance(item, str):
            found = find_leading_range(item)
            if found is None:
                raise ValueError("no timestamp")
            return [RawSegment(found[0], found[1], clean_text(found[2]))]
        if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], (str, int, float)):
            start, end = _range_value(item[0])
            return [RawSegment(start, end, plain(item[1:]))]
        if not isinstance(item, dict):
            raise ValueError(f"unexpected item of type {type(item).__name__}")
        if pick(item, _START + _RANGE) is None:
            keyed = [(k, v) for k, v in item.items() if is_time_key(str(k))]
            if keyed:
                self.time_keyed += len(keyed)
                return [self._keyed(k, v) for k, v in keyed]
        start, end = item_times(item)
        text, visual = self._text_and_visual(item)
        speaker = pick(item, _SPEAKER)
        return [RawSegment(start, end, text, plain(speaker[1]) if speaker else None, visual)]

    def _keyed(self, key: str, value: Any) -> RawSegment:
        start, end = parse_time_range(key)
        if isinstance(value, dict):
            text, visual = self._text_and_visual(value)
            speaker = pick(value, _SPEAKER)
            return RawSegment(start, end, text, plain(speaker[1]) if speaker else None, visual)
        return RawSegment(start, end, plain(value))

    def _text_and_visual(self, item: dict[str, Any]) -> tuple[str, str | None]:
        found = pick(item, TEXT_KEYS)
        visual_keys: tuple[str, ...] = _VISUAL
        if found is not None:
            key = norm_key(found[0])
            if key != "text":
                self.text_keys[key] += 1
            if key == "description":
                visual_keys = _VISUAL[:-1]
        else:
            found = self._lone_string(item)
        visual = pick(item, visual_keys)
        return plain(found[1]) if found else "", (plain(visual[1]) or None) if visual else None

    def _lone_string(self, item: dict[str, Any]) -> tuple[str, Any] | None:
        skip = set(_TIME_KEYS + _VISUAL + _SPEAKER + _METADATA)
        strings = [
            (str(k), v)
            for k, v in item.items()
            if norm_key(k) not in skip and isinstance(v, str) and v.strip()
        ]
        if len(strings) != 1:
            return None
        self.text_keys[norm_key(strings[0][0])] += 1
        return strings[0]

    def repairs(self) -> list[str]:
        """What this reader had to guess, as warnings."""
        notes = [
            f"segment text read from the {key!r} key instead of 'text' ({n} segment(s))"
            for key, n in self.text_keys.items()
        ]
        if self.time_keyed:
            notes.append(
                f"{self.time_keyed} segment(s) used the timestamp itself as the JSON key; read "
                "as start times"
            )
        return notes
