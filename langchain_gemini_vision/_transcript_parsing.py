"""Parse the model's transcript and chapter answers leniently (pure).

We ask for JSON with a response schema, but accept what models actually return: fenced JSON, a bare
list, ``{"transcript": [...]}``, items keyed ``timestamp`` / ``time`` / ``start``, every timestamp
style (see ``_timestamps``), and as a last resort plain text lines like ``[00:12] text`` or
``**0:00-0:16**: text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._parsing import ParsedJSON, extract_json, unwrap_list
from ._timestamps import find_leading_range, parse_time_range, parse_timestamp
from ._windows import RawSegment
from .errors import ResponseParseError

__all__ = [
    "CHAPTERS_SCHEMA",
    "TRANSCRIPT_SCHEMA",
    "ParsedChapters",
    "ParsedSegments",
    "RawChapter",
    "parse_chapters_answer",
    "parse_transcript_answer",
]

_STAMP_DESCRIPTION = "Timestamp on the video's own clock, MM:SS (H:MM:SS from one hour on)."

TRANSCRIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "segments": {
            "type": "array",
            "description": "Consecutive spans of the video in chronological order.",
            "items": {
                "type": "object",
                "properties": {
                    "start": {"type": "string", "description": _STAMP_DESCRIPTION},
                    "end": {"type": "string", "description": _STAMP_DESCRIPTION},
                    "speaker": {"type": "string", "description": "Speaker label, if asked."},
                    "text": {"type": "string", "description": "What is said (verbatim)."},
                    "visual": {"type": "string", "description": "What is shown, if asked."},
                },
                "required": ["start", "end", "text"],
            },
        }
    },
    "required": ["segments"],
}
"""JSON schema of the transcript answer (sent as ``response_json_schema``)."""

CHAPTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "description": "The summary in the requested style."},
        "chapters": {
            "type": "array",
            "description": "Chapters in chronological order.",
            "items": {
                "type": "object",
                "properties": {
                    "start": {"type": "string", "description": _STAMP_DESCRIPTION},
                    "title": {"type": "string"},
                    "summary": {"type": "string", "description": "One or two sentences."},
                },
                "required": ["start", "title"],
            },
        },
    },
    "required": ["summary", "chapters"],
}
"""JSON schema of the summary-with-chapters answer."""

_START_KEYS = ("start", "start_time", "startTime", "start_timestamp", "from", "begin")
_END_KEYS = ("end", "end_time", "endTime", "end_timestamp", "to", "stop")
_RANGE_KEYS = ("timestamp", "time", "timestamps", "time_range", "range", "ts", "timecode")
_TEXT_KEYS = ("text", "transcript", "transcription", "speech", "dialogue", "content", "audio")
_VISUAL_KEYS = ("visual", "visual_description", "visuals", "description", "scene", "on_screen")
_LIST_KEYS = ("segments", "transcript", "transcription", "items", "lines", "captions")


@dataclass
class ParsedSegments:
    """Segments read from one answer, with the repairs made while reading it."""

    segments: list[RawSegment]
    repairs: list[str] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class RawChapter:
    """A chapter as parsed from the model, before validation."""

    start_s: float
    title: str
    summary: str = ""


@dataclass
class ParsedChapters:
    """Summary text and chapters read from one answer."""

    summary: str
    chapters: list[RawChapter]
    repairs: list[str] = field(default_factory=list)


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(v) for v in value).strip()
    return str(value).strip()


def _item_times(item: dict[str, Any]) -> tuple[float, float | None]:
    """Start and end of a JSON item; raises ValueError when there is no readable start."""
    start_value = _first(item, _START_KEYS)
    end_value = _first(item, _END_KEYS)
    if start_value is None:
        range_value = _first(item, _RANGE_KEYS)
        if range_value is None:
            raise ValueError("no timestamp")
        return parse_time_range(str(range_value))
    if isinstance(start_value, str):
        start, range_end = parse_time_range(start_value)
    else:
        start, range_end = parse_timestamp(start_value), None
    end: float | None = range_end
    if end_value is not None:
        try:
            end = parse_time_range(str(end_value))[0]
        except ValueError:
            end = range_end
    return start, end


def _segment_from_item(item: Any) -> RawSegment:
    if isinstance(item, str):
        found = find_leading_range(item)
        if found is None:
            raise ValueError("no timestamp")
        return RawSegment(found[0], found[1], found[2])
    if not isinstance(item, dict):
        raise ValueError(f"unexpected item of type {type(item).__name__}")
    start, end = _item_times(item)
    speaker = _text(item.get("speaker")) or None
    visual = _text(_first(item, _VISUAL_KEYS)) or None
    return RawSegment(start, end, _text(_first(item, _TEXT_KEYS)), speaker, visual)


def _segments_from_lines(text: str) -> list[RawSegment]:
    """Fallback for plain-text answers: one segment per stamped line; others continue it."""
    segments: list[RawSegment] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = find_leading_range(line)
        if found is not None:
            segments.append(RawSegment(found[0], found[1], found[2]))
        elif segments:
            last = segments[-1]
            segments[-1] = RawSegment(
                last.start_s, last.end_s, f"{last.text} {line.strip()}".strip()
            )
    return segments


_WRAPPED_LIST = re.compile(r'"(?:' + "|".join(_LIST_KEYS) + r')"\s*:\s*\[')


def _salvage_wrapped(text: str) -> ParsedJSON | None:
    """The complete items of ``{"segments": [...`` cut off mid-array (a MAX_TOKENS answer)."""
    found = _WRAPPED_LIST.search(text)
    if found is None:
        return None
    try:
        parsed = extract_json(text[found.end() - 1 :], expect=list)
    except ResponseParseError:
        return None
    return parsed if isinstance(parsed.value, list) else None


def parse_transcript_answer(text: str) -> ParsedSegments:
    """Read transcript segments from the model's answer.

    Returns:
        Segments in answer order (not yet validated) and the repairs made while reading.

    Raises:
        ResponseParseError: The answer is empty or holds neither JSON segments nor stamped lines.
    """
    if not text or not text.strip():
        raise ResponseParseError("The model returned an empty answer.", raw_text=text or "")
    parsed: ParsedJSON | None
    try:
        parsed = extract_json(text)
        items, _key = unwrap_list(parsed.value, _LIST_KEYS)
    except ResponseParseError:
        parsed = _salvage_wrapped(text)
        items = parsed.value if parsed is not None else []
    repairs = list(parsed.repairs) if parsed is not None else []
    segments: list[RawSegment] = []
    for number, item in enumerate(items, start=1):
        try:
            segments.append(_segment_from_item(item))
        except ValueError as exc:
            repairs.append(f"dropped transcript item {number}: unreadable timestamp ({exc})")
    if not segments:
        # "[00:00] Hello" looks like the start of a JSON array to a lenient JSON reader, so
        # stamped lines win over a JSON reading that produced nothing.
        lines = _segments_from_lines(text)
        if lines:
            return ParsedSegments(
                lines, [f"answer was plain text, not JSON; read {len(lines)} timestamped line(s)"]
            )
    if parsed is None:
        raise ResponseParseError(
            "The model's answer holds no transcript segments (no JSON and no timestamped "
            "lines); see .raw_text.",
            raw_text=text,
        )
    return ParsedSegments(segments, repairs, parsed.truncated)


def _chapter_from_item(item: Any) -> RawChapter:
    if isinstance(item, str):
        found = find_leading_range(item)
        if found is None:
            raise ValueError("no timestamp")
        return RawChapter(found[0], found[2])
    if not isinstance(item, dict):
        raise ValueError(f"unexpected item of type {type(item).__name__}")
    start, _ = _item_times(item)
    title = _text(_first(item, ("title", "name", "heading", "topic")))
    summary = _text(_first(item, ("summary", "description", "text", "content")))
    return RawChapter(start, title or summary[:60], summary)


def parse_chapters_answer(text: str) -> ParsedChapters:
    """Read a summary and chapters from the model's answer (JSON, or prose with stamped lines).

    Raises:
        ResponseParseError: The answer is empty.
    """
    if not text or not text.strip():
        raise ResponseParseError("The model returned an empty answer.", raw_text=text or "")
    try:
        parsed = extract_json(text, expect=dict)
    except ResponseParseError:
        from_lines = [RawChapter(s.start_s, s.text) for s in _segments_from_lines(text)]
        return ParsedChapters(
            text.strip(), from_lines, ["answer was plain text, not JSON; chapters read from lines"]
        )
    value = parsed.value
    repairs = list(parsed.repairs)
    if isinstance(value, list):
        value = {"summary": "", "chapters": value}
    summary = _text(_first(value, ("summary", "text", "overview")))
    raw_chapters = value.get("chapters")
    if raw_chapters is None:
        raw_chapters = next((v for v in value.values() if isinstance(v, list)), [])
    chapters: list[RawChapter] = []
    for number, item in enumerate(raw_chapters if isinstance(raw_chapters, list) else [], 1):
        try:
            chapters.append(_chapter_from_item(item))
        except ValueError as exc:
            repairs.append(f"dropped chapter {number}: unreadable timestamp ({exc})")
    return ParsedChapters(summary, chapters, repairs)
