"""Transcript segments from a plain-text or markdown answer (pure).

The last resort when an answer holds no usable JSON. Three families are read:

- stamped lines: ``[00:12] text``, ``**0:00-0:16:** text``, ``- **0:00** text``, and a label line
  (``*   **Timestamp: 00:17**``) whose text follows on the next lines;
- prose whose sentences carry times: ``The cat plays. (0:00-0:09) The user likes it
  (0:09-0:25, 0:41-0:45).``, ``From 00:17 to 00:21 he runs.``: one segment per annotated sentence;
- everything else continues the segment before it (text before the first time is dropped, and
  reported).

A bracketed time right after a sentence's full stop annotates that sentence when it has no time
of its own (the recorded style ``buttons. (0:00-0:09) The user ...``); otherwise a time annotates
the sentence it stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from langchain_gemini_vision._core.timestamps import (
    InlineTime,
    find_inline_times,
    find_leading_range,
)
from langchain_gemini_vision.video._windows import RawSegment

__all__ = ["clean_text", "segments_from_text", "strip_markup"]

_MARKUP = re.compile(r"\*\*|__|`+|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)")
_BULLET = re.compile(r"^\s*(?:[#>]+\s*|[-*\u2022+]\s+|\d{1,3}[.)]\s+)+")
_TEXT_LABEL = re.compile(
    r"^(?:description|caption|text|transcript(?:ion)?|speech|narration|audio|dialogue|"
    r"content|summary|said|spoken|line)\s*:\s*",
    re.IGNORECASE,
)
_VISUAL_LABEL = re.compile(
    r"^(?:visual(?:s| description)?|on[- ]screen|scene)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
_SPEAKER_LABEL = re.compile(r"^speaker\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_PROSE_OPENING = re.compile(r"^\W*(?:at|from|between|around|starting)\s", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTES = {'"': '"', "\u201c": "\u201d"}


def strip_markup(text: str) -> str:
    """Drop bold, italics and code ticks, and collapse whitespace (for text the model typed)."""
    return re.sub(r"\s+", " ", _MARKUP.sub("", text)).strip()


def clean_text(text: str) -> str:
    """Strip markdown residue (bold, bullets, code ticks, ``Description:`` labels) from a text."""
    out = _BULLET.sub("", text)
    out = _MARKUP.sub("", out)
    out = _BULLET.sub("", out).strip()
    out = _TEXT_LABEL.sub("", out).strip(" \t:|-\u2013\u2014,")
    out = re.sub(r"\s+", " ", out).strip()
    # A line quoted whole ("**0:00**: \"Hello.\"") loses the quotes, not quotes inside it.
    if len(out) >= 2 and _QUOTES.get(out[0]) == out[-1] and out[0] not in out[1:-1]:
        out = out[1:-1].strip()
    return out


def _tidy(text: str) -> str:
    """Remove what a cut-out time leaves behind: ``"Hi , there ."`` -> ``"Hi, there."``."""
    out = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r",\s*([.;:!?])", r"\1", out)
    out = re.sub(r",\s*,", ",", out)
    return clean_text(out).strip(" ,;")


def _cut(sentence: str, times: list[InlineTime]) -> str:
    parts: list[str] = []
    pos = 0
    for t in times:
        parts.append(sentence[pos : t.span[0]])
        pos = t.span[1]
    parts.append(sentence[pos:])
    return _tidy(" ".join(parts))


@dataclass
class _Reader:
    segments: list[RawSegment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    extra_ranges: int = 0
    prose: int = 0

    def add(self, first: tuple[float, float | None], text: str, others: int = 0) -> None:
        self.segments.append(RawSegment(first[0], first[1], text))
        self.extra_ranges += others

    def extend(self, text: str) -> None:
        if not text:
            return
        if not self.segments:
            self.dropped.append(text)
            return
        last = self.segments[-1]
        self.segments[-1] = replace(last, text=f"{last.text} {text}".strip())

    def sentences(self, chunk: str, *, bare_times: bool) -> None:
        """One segment per annotated sentence of ``chunk``; the rest continue the last one."""
        pending: list[str] = []
        for sentence in _SENTENCE_END.split(chunk):
            times = [t for t in find_inline_times(sentence) if bare_times or t.bracketed]
            opens = bool(times) and times[0].bracketed and not sentence[: times[0].span[0]].strip()
            if opens and pending:
                # "buttons. (0:00-0:09) The user ...": the time closes the sentence before.
                lead = times.pop(0)
                self.prose += 1
                self.add(lead.ranges[0], _tidy(" ".join(pending)), len(lead.ranges) - 1)
                pending = []
                sentence = sentence[lead.span[1] :]
                times = [_shift(t, -lead.span[1]) for t in times]
            if not times:
                pending.append(sentence)
                continue
            self.extend(_tidy(" ".join(pending)))
            pending = []
            ranges = [r for t in times for r in t.ranges]
            self.prose += 1
            self.add(ranges[0], _cut(sentence, times), len(ranges) - 1)
        self.extend(_tidy(" ".join(pending)))


def _shift(t: InlineTime, by: int) -> InlineTime:
    return InlineTime(t.ranges, (t.span[0] + by, t.span[1] + by), t.bracketed)


def segments_from_text(text: str) -> tuple[list[RawSegment], list[str]]:
    """Read segments from a non-JSON answer; returns them and the repairs made (pure)."""
    reader = _Reader()
    lines = 0
    marked = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("```"):
            continue
        marked = marked or "**" in line or bool(_BULLET.match(line))
        # "At 00:40, ..." / "From 00:17 to 00:21 ..." open prose sentences, not stamped lines.
        lead = None if _PROSE_OPENING.match(line) else find_leading_range(line)
        if lead is not None:
            lines += 1
            start, end, rest = lead
            first, _, more = clean_text(rest).partition(". ")
            reader.add((start, end), _tidy(first + ("." if more else "")))
            if more:
                reader.sentences(more, bare_times=False)
            continue
        bare = clean_text(line)
        visual = _VISUAL_LABEL.match(bare)
        if visual is not None and reader.segments:
            last = reader.segments[-1]
            reader.segments[-1] = replace(last, visual=clean_text(visual.group("rest")) or None)
            continue
        speaker = _SPEAKER_LABEL.match(bare)
        if speaker is not None and reader.segments:
            last = reader.segments[-1]
            reader.segments[-1] = replace(last, speaker=clean_text(speaker.group("rest")) or None)
            continue
        reader.sentences(bare, bare_times=True)
    repairs: list[str] = []
    if not reader.segments:
        return [], repairs
    if lines:
        repairs.append(f"answer was plain text, not JSON; read {lines} timestamped line(s)")
    if reader.prose:
        repairs.append(
            f"answer was prose with times inline; read {reader.prose} annotated sentence(s) as "
            "segments"
        )
    if marked:
        repairs.append("removed markdown (bold, bullets, labels) around timestamps and text")
    if reader.extra_ranges:
        repairs.append(
            f"{reader.extra_ranges} extra time range(s) given for the same sentence were "
            "ignored (each sentence keeps its first range)"
        )
    if reader.dropped:
        repairs.append(
            f"ignored {len(reader.dropped)} line(s)/sentence(s) before the first timestamp: "
            f"{' '.join(reader.dropped)[:80]!r}"
        )
    return reader.segments, repairs
