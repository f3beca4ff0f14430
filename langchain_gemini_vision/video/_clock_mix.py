"""Clip answers that mix the clip's clock and the video's clock (pure).

``_windows.normalise_clock`` decides one clock per answer, which is right when every stamp fits
one reading. Real answers about clips sometimes switch part-way (they start on the video's clock,
then restart at 0:00, or the reverse). When no single reading fits every start, each segment is
read on its own: a start that fits only one clock takes that one; a start that fits both takes
the reading that keeps the answer in order after the segment before it (the first such start:
the nearer of 0 and the clip start, as in ``choose_clock``); a start that fits neither keeps the
answer's majority clock, and validation repairs or drops it.
"""

from __future__ import annotations

from dataclasses import replace

from langchain_gemini_vision.types import format_timestamp
from langchain_gemini_vision.video._windows import (
    RawSegment,
    choose_clock,
    normalise_clock,
    tolerance,
)

__all__ = ["normalise_mixed_clock"]


def _shift(seg: RawSegment, by: float) -> RawSegment:
    end = None if seg.end_s is None else seg.end_s + by
    return replace(seg, start_s=seg.start_s + by, end_s=end)


def normalise_mixed_clock(
    segments: list[RawSegment], clip_start: float, clip_end: float | None, *, label: str = "clip"
) -> tuple[list[RawSegment], list[str]]:
    """Bring a clip's segments onto the video's clock, segment by segment when the clocks mix.

    Returns:
        The segments on the video's clock (answer order) and notes on every shift made.
    """
    if clip_end is None or clip_start <= 0 or not segments:
        return normalise_clock(segments, clip_start, clip_end, label=label)
    length = clip_end - clip_start
    tol = tolerance(length)
    fits_abs = [clip_start - tol <= s.start_s <= clip_end + tol for s in segments]
    fits_rel = [0 <= s.start_s <= length + tol for s in segments]
    only_abs = any(a and not r for a, r in zip(fits_abs, fits_rel, strict=True))
    only_rel = any(r and not a for a, r in zip(fits_abs, fits_rel, strict=True))
    if not (only_abs and only_rel):
        return normalise_clock(segments, clip_start, clip_end, label=label)
    majority = choose_clock(segments, clip_start, clip_end)
    out: list[RawSegment] = []
    shifted = 0
    previous: float | None = None
    for seg, absolute, relative in zip(segments, fits_abs, fits_rel, strict=True):
        if absolute and relative:
            if previous is None:
                use_rel = abs(seg.start_s) < abs(seg.start_s - clip_start)
            else:
                # Both readings fit: keep the answer chronological after the segment before.
                later = [c for c in (seg.start_s, seg.start_s + clip_start) if c >= previous]
                use_rel = bool(later) and min(later) == seg.start_s + clip_start
        else:
            use_rel = relative if (absolute or relative) else majority == "relative"
        fixed = _shift(seg, clip_start) if use_rel else seg
        shifted += use_rel
        previous = fixed.start_s
        out.append(fixed)
    note = (
        f"{label}: the model's timestamps mixed the clip's clock and the video's; "
        f"{shifted} of {len(segments)} segment(s) were relative to the clip and were shifted by "
        f"+{format_timestamp(clip_start)} onto the video's clock"
    )
    return out, [note]
