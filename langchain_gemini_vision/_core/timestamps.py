"""Timestamp parsing and formatting for video answers and offsets (pure).

Gemini writes timestamps in whatever style it likes from one run to the next: ``00:40``,
``0:29 - 0:32``, ``0:00-0:16``, ``00:00 - 00:17``, ``(0:00-0:09)``, ``[01:05]``, ``H:MM:SS``
for long videos, and occasionally seconds (``"75"``, ``"75s"``, ``"1m15s"``). Users write offsets
the same ways. Everything here turns those into float seconds, or back into the wire's duration
strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "TIMESTAMP_PATTERN",
    "InlineTime",
    "duration_string",
    "find_inline_times",
    "find_leading_range",
    "parse_duration_string",
    "parse_time_range",
    "parse_timestamp",
]

# H:MM:SS(.fff) or MM:SS(.fff); SRT-style "," decimals are accepted too.
_CLOCK = r"\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
# 1h2m3s, 1m30s, 90s, 1.5h (every unit optional but at least one present).
_UNITS = r"(?=\d)(?:\d+(?:\.\d+)?h)?(?:\d+(?:\.\d+)?m(?!s))?(?:\d+(?:\.\d+)?s)?"
_SECONDS = r"\d+(?:\.\d+)?"

TIMESTAMP_PATTERN = rf"(?:{_CLOCK}|{_UNITS}(?<=[hms])|{_SECONDS})"
"""A regular expression (no groups) matching one timestamp in any accepted style."""

_DASH = r"\s*(?:-|\u2013|\u2014|to)\s*"  # hyphen, en dash, em dash
_RANGE = re.compile(
    rf"^\s*(?P<start>{TIMESTAMP_PATTERN})(?:{_DASH}(?P<end>{TIMESTAMP_PATTERN}))?\s*$"
)
_UNITS_FULL = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$"
)
_BRACKETS = "[]()<>{}*` \t"

# A timestamp or range at the start of a text line, optionally bracketed, bolded or labelled,
# optionally followed by ":" / "-" / "|" before the text: "[00:12] text", "**0:00-0:16:** text",
# "(0:00 - 0:09) text", "- 01:05 text", "00:40 <en dash> 00:45 | text", "*   **Timestamp: 00:17**".
# Every optional part starts with a character the decoration runs cannot match, so a long run of
# brackets or spaces is scanned in linear time (no two adjacent runs can trade characters).
_DECOR = r"[\[(<*_`\s#>+\-\u2022]*"
_LEADING = re.compile(
    rf"""^{_DECOR}                                   # bullets, headings, brackets, bold
    (?:\d{{1,3}}[.)](?=\s){_DECOR})?               # a numbered list item
    (?:(?:at|from|around|between|starting\s+at     # "At 00:40, ..." (a recorded answer's style)
         |time\s*stamps?|times?|time\s*range|start)\b(?:\s*:)?{_DECOR})?
    (?P<start>{_CLOCK})
    (?:{_DASH}(?P<end>{_CLOCK}))?
    [\s\])>*_`:|,.\-\u2013\u2014]*
    (?P<rest>.*)$""",
    re.VERBOSE | re.IGNORECASE,
)

# A time written inside prose: "(0:09-0:25, 0:41-0:45)", "[00:17]", "from 00:17 to 00:21",
# "between 1:02 and 1:10", "at 00:40", or a bare "0:29 - 0:32".
_ONE = rf"{_CLOCK}(?:{_DASH}{_CLOCK})?"
_INLINE = re.compile(
    rf"""[(\[]\s*(?P<group>{_ONE}(?:\s*[,;]\s*(?:and\s+)?{_ONE})*)\s*[)\]]
    |\b(?:from|between)\s+(?P<a>{_CLOCK})\s*(?:-|\u2013|\u2014|to|and|until|till)\s*(?P<b>{_CLOCK})
    |\b(?:at|around|from|by)\s+(?P<c>{_CLOCK})(?:{_DASH}(?P<d>{_CLOCK}))?
    |(?<![\w:.])(?P<e>{_CLOCK})(?:{_DASH}(?P<f>{_CLOCK}))?(?![\w:])""",
    re.VERBOSE | re.IGNORECASE,
)
_RANGE_IN_GROUP = re.compile(rf"(?P<start>{_CLOCK})(?:{_DASH}(?P<end>{_CLOCK}))?", re.IGNORECASE)


def _clock_seconds(text: str) -> float:
    main, _, frac = text.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    if any(p < 0 for p in parts):
        raise ValueError(f"negative component in timestamp {text!r}")
    if len(parts) == 3:
        hours, minutes, seconds = parts
        if minutes >= 60 or seconds >= 60:
            raise ValueError(f"minutes/seconds out of range in {text!r}")
        total = hours * 3600 + minutes * 60 + seconds
    else:
        minutes, seconds = parts
        if seconds >= 60:
            raise ValueError(f"seconds out of range in {text!r}")
        total = minutes * 60 + seconds
    return total + (float("0." + frac) if frac else 0.0)


def parse_timestamp(value: str | float) -> float:
    """Parse one timestamp into seconds.

    Accepts numbers (seconds), ``"75"``, ``"75.5"``, ``"75s"``, ``"1m15s"``, ``"1h2m3s"``,
    ``"01:15"``, ``"1:15"``, ``"1:02:03"``, ``"00:01:15,250"``, optionally wrapped in brackets,
    parentheses or markdown bold (``"[01:05]"``, ``"(0:09)"``, ``"**0:09**"``).

    Raises:
        ValueError: ``value`` is not a timestamp, or is negative, NaN or infinite.
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a timestamp")
    if isinstance(value, (int, float)):
        seconds = float(value)
        if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
            raise ValueError(f"timestamp must be a finite number >= 0, got {value!r}")
        return seconds
    text = str(value).strip().strip(_BRACKETS).strip().lower()
    if not text:
        raise ValueError("empty timestamp")
    if text.startswith("-"):
        raise ValueError(f"timestamp must be >= 0, got {value!r}")
    if re.fullmatch(_CLOCK, text):
        return _clock_seconds(text)
    if re.fullmatch(_SECONDS, text):
        return float(text)
    match = _UNITS_FULL.match(text)
    if match and any(match.group(k) for k in ("h", "m", "s")):
        hours = float(match.group("h") or 0)
        minutes = float(match.group("m") or 0)
        seconds = float(match.group("s") or 0)
        return hours * 3600 + minutes * 60 + seconds
    raise ValueError(
        f"not a timestamp: {value!r} (use seconds, MM:SS, H:MM:SS or a form like 1h2m3s)"
    )


def parse_time_range(value: str) -> tuple[float, float | None]:
    """Parse a timestamp or a range into ``(start, end)`` seconds; ``end`` is None for one stamp.

    Ranges may use ``-``, an en or em dash, or ``to``, with or without spaces, and may be wrapped:
    ``"0:29 - 0:32"``, ``"0:00-0:16"``, ``"(0:00-0:09)"``, ``"[00:00 - 00:17]"``.

    Raises:
        ValueError: ``value`` is neither a timestamp nor a range of two.
    """
    text = str(value).strip().strip(_BRACKETS).strip()
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f"not a timestamp or range: {value!r}")
    start = parse_timestamp(match.group("start"))
    end_text = match.group("end")
    return start, (parse_timestamp(end_text) if end_text else None)


def find_leading_range(line: str) -> tuple[float, float | None, str] | None:
    """Split a transcript text line that starts with a clock timestamp or range.

    Returns:
        ``(start, end_or_None, rest_of_line)``, or None when the line does not start with a
        clock-style stamp (plain numbers are not trusted at the start of prose).
    """
    match = _LEADING.match(line)
    if not match:
        return None
    try:
        start = _clock_seconds(match.group("start"))
        end_text = match.group("end")
        end = _clock_seconds(end_text) if end_text else None
    except ValueError:
        return None
    return start, end, match.group("rest").strip()


@dataclass(frozen=True)
class InlineTime:
    """A time or range written inside prose.

    Attributes:
        ranges: Every ``(start, end_or_None)`` the annotation holds, in writing order
            (``"(0:09-0:25, 0:41-0:45)"`` holds two).
        span: ``(begin, end)`` character offsets of the whole annotation in the text.
        bracketed: Written in parentheses or brackets (it can annotate the sentence before it).
    """

    ranges: tuple[tuple[float, float | None], ...]
    span: tuple[int, int]
    bracketed: bool


def _pair(start: str, end: str | None) -> tuple[float, float | None]:
    return _clock_seconds(start), (_clock_seconds(end) if end else None)


def find_inline_times(text: str) -> list[InlineTime]:
    """Find clock times and ranges written inside prose, in order.

    Only clock-style stamps count (``0:09``, ``1:02:03``): plain numbers in prose are not times.
    Stamps with out-of-range fields (``1:75``) are skipped.
    """
    found: list[InlineTime] = []
    for match in _INLINE.finditer(text):
        try:
            if match.group("group") is not None:
                ranges = tuple(
                    _pair(m.group("start"), m.group("end"))
                    for m in _RANGE_IN_GROUP.finditer(match.group("group"))
                )
            elif match.group("a") is not None:
                ranges = (_pair(match.group("a"), match.group("b")),)
            elif match.group("c") is not None:
                ranges = (_pair(match.group("c"), match.group("d")),)
            else:
                ranges = (_pair(match.group("e"), match.group("f")),)
        except ValueError:
            continue
        found.append(InlineTime(ranges, match.span(), match.group("group") is not None))
    return found


def parse_duration_string(value: object) -> float | None:
    """Parse a protobuf Duration as the API writes it (``"596s"``, ``"1.5s"``) into seconds.

    Also accepts numbers and ``{"seconds": .., "nanos": ..}`` mappings. Returns None when the value
    is missing or unreadable (callers treat the duration as unknown).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, dict):
        try:
            return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
        except (TypeError, ValueError):
            return None
    text = str(value).strip()
    if text.endswith("s"):
        text = text[:-1]
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def duration_string(seconds: float) -> str:
    """Format seconds as the wire's duration string: ``40`` -> ``"40s"``, ``1.25`` -> ``"1.25s"``.

    Raises:
        ValueError: Negative or not finite.
    """
    if seconds < 0 or not math.isfinite(seconds):
        raise ValueError(f"duration must be a finite number >= 0, got {seconds!r}")
    rounded = round(seconds, 3)
    if rounded == int(rounded):
        return f"{int(rounded)}s"
    return f"{rounded:.3f}".rstrip("0").rstrip(".") + "s"
