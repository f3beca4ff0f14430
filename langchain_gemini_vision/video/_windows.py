"""Token estimates, window planning, clock normalisation, validation and merging (pure).

A long video is transcribed as several clipped requests (``videoMetadata`` start/end offsets on the
same file). Each window's answer is normalised onto the video's own clock, validated against the
window's bounds, and the overlapping windows are merged without duplicated lines.

Clock heuristic (the model answers a clipped request with timestamps relative to the clip *or*
absolute; a recorded answer about a 40-80 s clip began "At 00:40"): collect every stamp of the
window; if they all fit the clip's absolute bounds ``[start, end]`` and not ``[0, length]``, they
are absolute; if they all fit ``[0, length]`` and not ``[start, end]``, they are relative; when both
fit (a clip like 40-80 s answered only with 0:40), the first stamp decides (nearer ``start`` ->
absolute, nearer 0 -> relative); when neither fits, the reading with more stamps in range wins
(ties -> absolute, the convention of the recorded answers) and validation repairs the rest.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace
from typing import Literal

from langchain_gemini_vision.types import format_timestamp

__all__ = [
    "AUDIO_TOKENS_PER_S",
    "DEFAULT_CONTEXT_TOKENS",
    "DEFAULT_OVERLAP_S",
    "RawSegment",
    "Validation",
    "Window",
    "choose_clock",
    "default_window_s",
    "estimate_video_tokens",
    "fit_fps",
    "merge_windows",
    "normalise_clock",
    "plan_windows",
    "tokens_per_frame",
    "tokens_per_second",
    "validate_segments",
]

DEFAULT_CONTEXT_TOKENS = 1_048_576
"""Input context of current Gemini Flash / Pro models."""
CONTEXT_BUDGET_FRACTION = 0.8
"""Use at most this share of the context for the video, so requests stay well inside it."""
RESERVED_TOKENS = 16_384
"""Room for the prompt, the schema and per-request overhead."""
AUDIO_TOKENS_PER_S = 32
METADATA_TOKENS_PER_S = 10
"""The guide's "~300 tokens per second with metadata" minus one 258-token frame and 32 audio."""
DEFAULT_OVERLAP_S = 10.0
_FRAME_TOKENS = {
    "MEDIA_RESOLUTION_LOW": 66,
    "MEDIA_RESOLUTION_MEDIUM": 258,
    "MEDIA_RESOLUTION_HIGH": 258,
    "MEDIA_RESOLUTION_ULTRA_HIGH": 258,
}
_DEFAULT_FRAME_TOKENS = 258
_TOL_MIN_S = 2.0


@dataclass(frozen=True)
class RawSegment:
    """A segment as parsed from the model, before validation (``end_s`` may be missing)."""

    start_s: float
    end_s: float | None
    text: str
    speaker: str | None = None
    visual: str | None = None


@dataclass(frozen=True)
class Window:
    """One clipped request: ``[start_s, end_s]`` on the video's clock."""

    index: int
    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        """Seconds covered."""
        return self.end_s - self.start_s

    def label(self) -> str:
        """``"window 2 (45:00-1:30:10)"`` for warnings and progress."""
        return f"window {self.index + 1} ({_stamp(self.start_s)}-{_stamp(self.end_s)})"


def _stamp(seconds: float) -> str:
    return format_timestamp(seconds)


def tokens_per_frame(media_resolution: str | None) -> int:
    """Tokens one video frame costs at ``media_resolution`` (258 by default, per the guide)."""
    if media_resolution is None:
        return _DEFAULT_FRAME_TOKENS
    return _FRAME_TOKENS.get(media_resolution.upper(), _DEFAULT_FRAME_TOKENS)


def tokens_per_second(fps: float | None = None, media_resolution: str | None = None) -> float:
    """Estimated input tokens per second of video: frames + 32 audio + timestamp metadata."""
    frames = (fps if fps is not None else 1.0) * tokens_per_frame(media_resolution)
    return frames + AUDIO_TOKENS_PER_S + METADATA_TOKENS_PER_S


def estimate_video_tokens(
    seconds: float, fps: float | None = None, media_resolution: str | None = None
) -> int:
    """Estimated input tokens for ``seconds`` of video (about 300 per second at the defaults)."""
    return math.ceil(max(seconds, 0.0) * tokens_per_second(fps, media_resolution))


def _budget(context_tokens: int) -> float:
    return context_tokens * CONTEXT_BUDGET_FRACTION - RESERVED_TOKENS


def default_window_s(
    fps: float | None = None,
    media_resolution: str | None = None,
    context_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> float:
    """The longest window (whole seconds) whose estimate stays within 80% of the context.

    About 45 minutes at 1 fps and the default resolution with a 1M-token context.
    """
    seconds = math.floor(_budget(context_tokens) / tokens_per_second(fps, media_resolution))
    return float(max(seconds, 10))


def fit_fps(
    seconds: float,
    media_resolution: str | None = None,
    context_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> float | None:
    """The highest fps (<= 1) at which ``seconds`` of video fit the budget, or None if none does."""
    if seconds <= 0:
        return 1.0
    per_second = _budget(context_tokens) / seconds - AUDIO_TOKENS_PER_S - METADATA_TOKENS_PER_S
    fps = per_second / tokens_per_frame(media_resolution)
    if fps < 0.01:
        return None
    return min(1.0, math.floor(fps * 100) / 100)


def plan_windows(start_s: float, end_s: float, window_s: float, overlap_s: float) -> list[Window]:
    """Split ``[start_s, end_s]`` into equal windows of at most ``window_s`` with ``overlap_s``.

    Boundaries are whole seconds except the very end (which keeps the video's exact length).
    """
    span = end_s - start_s
    if span <= window_s:
        return [Window(0, start_s, end_s)]
    stride = window_s - overlap_s
    count = math.ceil((span - overlap_s) / stride)
    length = (span + (count - 1) * overlap_s) / count
    windows: list[Window] = []
    for i in range(count):
        w_start = start_s if i == 0 else float(math.floor(start_s + i * (length - overlap_s)))
        w_end = end_s if i == count - 1 else float(math.ceil(w_start + length))
        windows.append(Window(i, w_start, min(w_end, end_s)))
    return windows


def tolerance(length_s: float | None) -> float:
    """Slack for rounding in the model's stamps: 2 s or 2% of the span, whichever is larger."""
    return max(_TOL_MIN_S, 0.02 * length_s) if length_s else _TOL_MIN_S


def _stamps(segments: list[RawSegment]) -> list[float]:
    values: list[float] = []
    for seg in segments:
        values.append(seg.start_s)
        if seg.end_s is not None:
            values.append(seg.end_s)
    return values


def choose_clock(
    segments: list[RawSegment], clip_start: float, clip_end: float | None
) -> Literal["absolute", "relative"]:
    """Decide whether a clipped answer's stamps are on the video's clock or the clip's.

    See the module docstring for the heuristic. A clip starting at 0 is always "absolute".
    """
    stamps = _stamps(segments)
    if not stamps or clip_start <= _TOL_MIN_S:
        return "absolute"
    first = segments[0].start_s
    if clip_end is None:
        return "absolute" if min(stamps) >= clip_start - tolerance(None) else "relative"
    length = clip_end - clip_start
    tol = tolerance(length)
    in_abs = sum(clip_start - tol <= s <= clip_end + tol for s in stamps)
    in_rel = sum(0 <= s <= length + tol for s in stamps)
    n = len(stamps)
    if in_abs == n and in_rel < n:
        return "absolute"
    if in_rel == n and in_abs < n:
        return "relative"
    if in_abs == n and in_rel == n:
        return "absolute" if abs(first - clip_start) <= abs(first) else "relative"
    return "relative" if in_rel > in_abs else "absolute"


def normalise_clock(
    segments: list[RawSegment], clip_start: float, clip_end: float | None, *, label: str = "clip"
) -> tuple[list[RawSegment], list[str]]:
    """Shift a clip's segments onto the video's clock when they are clip-relative.

    Returns:
        The segments on the video's clock and a note when a shift was applied.
    """
    if choose_clock(segments, clip_start, clip_end) == "absolute":
        return list(segments), []
    shifted = [
        replace(
            seg,
            start_s=seg.start_s + clip_start,
            end_s=None if seg.end_s is None else seg.end_s + clip_start,
        )
        for seg in segments
    ]
    note = (
        f"{label}: the model's timestamps were relative to the clip; shifted by "
        f"+{_stamp(clip_start)} onto the video's clock"
    )
    return shifted, [note]


@dataclass
class Validation:
    """Validated segments (every ``end_s`` set) and what was repaired or dropped."""

    segments: list[RawSegment]
    repairs: list[str]
    dropped_out_of_range: int = 0


def _fix_order(seg: RawSegment, repairs: list[str]) -> RawSegment:
    if seg.end_s is not None and seg.end_s < seg.start_s:
        repairs.append(
            f"segment at {_stamp(seg.start_s)}: end {_stamp(seg.end_s)} before its start; "
            "swapped them"
        )
        return replace(seg, start_s=seg.end_s, end_s=seg.start_s)
    return seg


def validate_segments(
    segments: list[RawSegment],
    lo: float,
    hi: float | None,
    *,
    label: str = "video",
    default_last_s: float = 5.0,
) -> Validation:
    """Make segments monotonic, with ``end >= start``, inside ``[lo, hi]``; list every repair.

    Segments starting more than a small tolerance outside the bounds are dropped (hallucinated);
    ones just outside are clamped. Missing ends become the next segment's start (the last one gets
    ``default_last_s``, bounded by ``hi``).
    """
    repairs: list[str] = []
    tol = tolerance(None if hi is None else hi - lo)
    kept: list[RawSegment] = []
    dropped = 0
    for raw in segments:
        seg = _fix_order(raw, repairs)
        if hi is not None and seg.start_s > hi + tol:
            dropped += 1
            repairs.append(
                f"dropped a segment at {_stamp(seg.start_s)}: it starts after the end of the "
                f"{label} ({_stamp(hi)})"
            )
            continue
        if seg.start_s < lo - tol:
            dropped += 1
            repairs.append(
                f"dropped a segment at {_stamp(seg.start_s)}: it starts before the {label} "
                f"begins ({_stamp(lo)})"
            )
            continue
        start = min(max(seg.start_s, lo), hi) if hi is not None else max(seg.start_s, lo)
        end = seg.end_s
        if end is not None and hi is not None and end > hi:
            if end - hi >= 1.0:
                repairs.append(
                    f"segment at {_stamp(start)}: end {_stamp(end)} is past the end of the "
                    f"{label} ({_stamp(hi)}); clamped"
                )
            end = hi
        if end is not None:
            end = max(end, start)
        kept.append(replace(seg, start_s=start, end_s=end))

    moved = sum(kept[i + 1].start_s < kept[i].start_s for i in range(len(kept) - 1))
    if moved:
        repairs.append(f"{moved} segment(s) were out of order; sorted by start time")
        kept.sort(key=lambda s: s.start_s)

    deduped: list[RawSegment] = []
    for seg in kept:
        prev = deduped[-1] if deduped else None
        if prev and prev.start_s == seg.start_s and _norm(prev.text) == _norm(seg.text):
            repairs.append(f"dropped a repeated segment at {_stamp(seg.start_s)}")
            continue
        deduped.append(seg)

    final: list[RawSegment] = []
    for i, seg in enumerate(deduped):
        if seg.end_s is None:
            nxt = deduped[i + 1].start_s if i + 1 < len(deduped) else None
            if nxt is not None and nxt > seg.start_s:
                end = nxt
            else:
                end = seg.start_s + default_last_s
                if hi is not None:
                    end = min(end, hi)
            seg = replace(seg, end_s=max(end, seg.start_s))
        final.append(seg)
    return Validation(final, repairs, dropped)


_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _norm(text: str) -> str:
    return _WORD.sub(" ", text.lower()).strip()


def _same_line(a: RawSegment, b: RawSegment) -> bool:
    ta = _norm(a.text) or _norm(a.visual or "")
    tb = _norm(b.text) or _norm(b.visual or "")
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    shorter, longer = sorted((ta, tb), key=len)
    if len(shorter) >= 12 and shorter in longer:
        return True
    return difflib.SequenceMatcher(None, ta, tb).ratio() >= 0.75


def merge_windows(parts: list[tuple[Window, list[RawSegment]]]) -> tuple[list[RawSegment], int]:
    """Merge validated, video-clock segments of consecutive overlapping windows.

    Every segment of every window is kept except duplicates: a line that both windows heard in
    their overlap (similar text, start inside the overlap) is kept once, from the window in which
    it lies farther from the edge (before the overlap's midpoint: the earlier window).

    Returns:
        The merged, sorted segments and the number of duplicates removed.
    """
    ordered = sorted(parts, key=lambda p: p[0].start_s)
    merged: list[RawSegment] = []
    removed = 0
    prev_window: Window | None = None
    for window, segments in ordered:
        if prev_window is None or window.start_s >= prev_window.end_s:
            merged.extend(segments)
            prev_window = window
            continue
        tol = tolerance(None)
        zone_lo, zone_hi = window.start_s - tol, prev_window.end_s + tol
        cut = (window.start_s + prev_window.end_s) / 2
        candidates = [i for i, s in enumerate(merged) if zone_lo <= s.start_s <= zone_hi]
        used: set[int] = set()
        for seg in segments:
            match = None
            if zone_lo <= seg.start_s <= zone_hi:
                match = next(
                    (i for i in candidates if i not in used and _same_line(merged[i], seg)), None
                )
            if match is None:
                merged.append(seg)
                continue
            used.add(match)
            removed += 1
            if seg.start_s >= cut:
                merged[match] = seg
        prev_window = window
    merged.sort(key=lambda s: s.start_s)
    return merged, removed
