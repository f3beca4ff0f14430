"""Parse the model's transcript and chapter answers leniently (pure).

We ask for JSON with a response schema, but accept what models actually return: fenced JSON, a bare
list, ``{"transcript": [...]}``, items keyed ``timestamp`` / ``time`` / ``start``, every timestamp
style (see ``_core.timestamps``), text under any plausible key and time-keyed items
(``video._segment_items``), and as a last resort stamped lines, markdown and prose with times inline
(``video._prose_segments``). A result whose every segment is blank is an error, never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from langchain_gemini_vision._core.parsing import ParsedJSON, extract_json, unwrap_list
from langchain_gemini_vision._core.timestamps import (
    find_inline_times,
    find_leading_range,
    parse_time_range,
)
from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.video._prose_segments import clean_text, segments_from_text
from langchain_gemini_vision.video._segment_items import (
    ItemReader,
    is_time_key,
    item_times,
    norm_key,
    pick,
    plain,
)
from langchain_gemini_vision.video._windows import RawSegment

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

_LIST_KEYS = ("segments", "transcript", "transcription", "items", "lines", "captions")
_CHAPTER_KEYS = ("chapters", "sections", "timeline", "outline", "topics", "parts")


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


def _json_items(value: Any) -> list[Any]:
    """The items of a transcript answer's JSON: a list, a wrapped list, or a time-keyed object."""
    if isinstance(value, dict) and not pick(value, _LIST_KEYS):
        keyed = [{k: v} for k, v in value.items() if is_time_key(str(k))]
        if keyed:
            return keyed
        if any(norm_key(k) in ("start", "timestamp", "time") for k in value):
            return [value]
    items, _key = unwrap_list(value, _LIST_KEYS)
    return items


def _is_blank(segment: RawSegment) -> bool:
    return not segment.text.strip() and not (segment.visual or "").strip()


def _from_json(text: str) -> tuple[ParsedJSON | None, list[RawSegment], list[str]]:
    parsed: ParsedJSON | None
    try:
        parsed = extract_json(text)
        items = _json_items(parsed.value)
    except ResponseParseError:
        parsed = _salvage_wrapped(text)
        items = parsed.value if parsed is not None else []
    repairs = list(parsed.repairs) if parsed is not None else []
    reader = ItemReader()
    segments: list[RawSegment] = []
    for number, item in enumerate(items, start=1):
        try:
            segments.extend(reader.segments(item))
        except ValueError as exc:
            repairs.append(f"dropped transcript item {number}: unreadable timestamp ({exc})")
    return parsed, segments, repairs + reader.repairs()


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
        ResponseParseError: The answer is empty, holds neither JSON segments nor stamped lines
            or sentences, or every segment it holds is blank (no text and no visual).
    """
    if not text or not text.strip():
        raise ResponseParseError("The model returned an empty answer.", raw_text=text or "")
    parsed, segments, repairs = _from_json(text)
    truncated = parsed.truncated if parsed is not None else False
    if not segments:
        # "[00:00] Hello" looks like the start of a JSON array to a lenient JSON reader, so
        # stamped lines and sentences win over a JSON reading that produced nothing.
        from_text, text_repairs = segments_from_text(text)
        if from_text:
            segments, repairs, truncated = from_text, text_repairs, False
        elif parsed is None:
            raise ResponseParseError(
                "The model's answer holds no transcript segments (no JSON and no timestamped "
                "lines or sentences); see .raw_text. Retrying usually helps.",
                raw_text=text,
            )
    if segments and all(_is_blank(s) for s in segments):
        raise ResponseParseError(
            f"All {len(segments)} segment(s) in the model's answer have timestamps but no text, "
            "so there is nothing to return; see .raw_text. Retrying usually helps.",
            raw_text=text,
        )
    blank = sum(_is_blank(s) for s in segments)
    if blank:
        repairs.append(f"{blank} segment(s) had a timestamp but no text")
    return ParsedSegments(segments, repairs, truncated)


_TITLE_KEYS = ("title", "name", "heading", "topic", "chapter", "chaptertitle", "label")
_SUMMARY_KEYS = ("summary", "description", "text", "content", "details", "overview")
_TITLE_SPLIT = re.compile(r"\s*(?::\s+|\s[-\u2013\u2014]\s)")


def _title_and_summary(text: str) -> tuple[str, str]:
    """``"Intro: the host says hi"`` -> ``("Intro", "the host says hi")``."""
    parts = _TITLE_SPLIT.split(clean_text(text), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _chapter_from_item(item: Any) -> RawChapter:
    if isinstance(item, (str, list)):
        segment = ItemReader().segments(item)[0]
        return RawChapter(segment.start_s, *_title_and_summary(segment.text))
    if not isinstance(item, dict):
        raise ValueError(f"unexpected item of type {type(item).__name__}")
    if len(item) == 1 and is_time_key(str(next(iter(item)))):
        key, value = next(iter(item.items()))
        start, _ = parse_time_range(str(key))
        if isinstance(value, dict):
            item = value
        else:
            return RawChapter(start, *_title_and_summary(plain(value)))
    else:
        start, _ = item_times(item)
    title = pick(item, _TITLE_KEYS)
    summary = pick(item, _SUMMARY_KEYS)
    title_text = plain(title[1]) if title else ""
    summary_text = plain(summary[1]) if summary else ""
    return RawChapter(start, title_text or summary_text[:60], summary_text)


def _chapter_items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return []
    found = pick(value, _CHAPTER_KEYS)
    inner = found[1] if found is not None else value
    if isinstance(inner, dict):
        return [{k: v} for k, v in inner.items() if is_time_key(str(k))]
    if isinstance(inner, list):
        return inner
    return next((v for v in value.values() if isinstance(v, list)), [])


def _summary_of(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    found = pick(value, ("summary", "overview", "text", "abstract", "description"))
    if found is None:
        return ""
    if isinstance(found[1], list):
        return "\n".join(f"- {plain(v)}" for v in found[1] if plain(v))
    return plain(found[1]) if not isinstance(found[1], str) else found[1].strip()


def _chapters_from_text(text: str) -> ParsedChapters:
    """Chapters from stamped (markdown) list lines; the other lines are the summary."""
    chapters: list[RawChapter] = []
    prose: list[str] = []
    for line in text.splitlines():
        found = find_leading_range(line) if line.strip() else None
        if found is None and _LIST_ITEM.match(line):
            times = find_inline_times(line)
            if len(times) == 1:
                start = times[0].ranges[0][0]
                title = line[: times[0].span[0]] + " " + line[times[0].span[1] :]
                found = (start, None, title)
        if found is None:
            if not _CHAPTERS_HEADING.match(line):
                prose.append(line)
            continue
        chapters.append(RawChapter(found[0], *_title_and_summary(found[2])))
    summary = "\n".join(prose).strip() if chapters else text.strip()
    note = f"answer was plain text, not JSON; read {len(chapters)} chapter(s) from its lines"
    return ParsedChapters(summary, chapters, [note])


_CHAPTERS_HEADING = re.compile(
    r"^\W*(?:chapters?|timeline|outline|key moments|sections|timestamps)\W*$", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022+]|\d{1,3}[.)])\s+")


def parse_chapters_answer(text: str) -> ParsedChapters:
    """Read a summary and chapters from the model's answer.

    Accepts ``{"summary": .., "chapters": [..]}`` and its variants, a bare list of chapter
    objects or ``"0:00 Intro"`` strings, time-keyed objects, and markdown lists
    (``- **0:00** Intro``, ``* 01:15 - Setup``, ``1. 0:00 Intro``) with the prose kept as summary.

    Raises:
        ResponseParseError: The answer is empty.
    """
    if not text or not text.strip():
        raise ResponseParseError("The model returned an empty answer.", raw_text=text or "")
    try:
        parsed = extract_json(text)
    except ResponseParseError:
        return _chapters_from_text(text)
    items = _chapter_items(parsed.value)
    repairs = list(parsed.repairs)
    if isinstance(parsed.value, list):
        repairs.append("answer was a bare list of chapters (no summary)")
    chapters: list[RawChapter] = []
    for number, item in enumerate(items, 1):
        try:
            chapters.append(_chapter_from_item(item))
        except ValueError as exc:
            repairs.append(f"dropped chapter {number}: unreadable timestamp ({exc})")
    summary = _summary_of(parsed.value)
    if not chapters and not summary:
        # "[0:00] Intro" lines look like a JSON array to the lenient reader.
        from_text = _chapters_from_text(text)
        if from_text.chapters:
            return from_text
    return ParsedChapters(summary, chapters, repairs)
