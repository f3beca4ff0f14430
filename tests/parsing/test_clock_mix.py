"""Clip answers whose stamps mix the clip's clock and the video's, segment by segment."""

from __future__ import annotations

import pytest

from langchain_gemini_vision.video._clock_mix import normalise_mixed_clock
from langchain_gemini_vision.video._windows import RawSegment


def _segs(*starts: float) -> list[RawSegment]:
    return [RawSegment(s, None, f"line {i}") for i, s in enumerate(starts)]


@pytest.mark.parametrize(
    ("starts", "clip", "expected", "mixed"),
    [
        # Starts on the video's clock, then restarts at 0:00 (the recorded failure).
        ((40, 45, 10, 20), (40, 80), (40, 45, 50, 60), True),
        # Starts relative, then switches to the video's clock.
        ((0, 10, 60, 70), (40, 80), (40, 50, 60, 70), True),
        # A relative stretch in the middle of an absolute answer.
        ((600, 610, 5, 30, 640), (600, 660), (600, 610, 605, 630, 640), True),
        # A stamp that fits both clocks keeps the answer in order after the one before it.
        ((5, 40, 70), (30, 90), (35, 40, 70), True),
        ((20, 40, 75), (30, 90), (50, 70, 75), True),
        # One clock only: unchanged behaviour of normalise_clock.
        ((0, 10, 20), (40, 80), (40, 50, 60), False),
        ((40, 50, 60), (40, 80), (40, 50, 60), False),
        # A clip from the start has one clock.
        ((0, 10, 20), (0, 30), (0, 10, 20), False),
    ],
)
def test_mixed_clocks(
    starts: tuple[float, ...],
    clip: tuple[float, float],
    expected: tuple[float, ...],
    mixed: bool,
) -> None:
    out, notes = normalise_mixed_clock(_segs(*starts), *clip)
    assert tuple(s.start_s for s in out) == expected
    assert [s.text for s in out] == [f"line {i}" for i in range(len(starts))]  # answer order
    assert any("mixed" in n for n in notes) == mixed


def test_ends_follow_their_start() -> None:
    segs = [RawSegment(40, 44, "a"), RawSegment(45, 50, "b"), RawSegment(12, 15, "c")]
    out, _ = normalise_mixed_clock(segs, 40, 80)
    assert [(s.start_s, s.end_s) for s in out] == [(40, 44), (45, 50), (52, 55)]


def test_open_ended_clip_keeps_the_single_clock_rule() -> None:
    out, _ = normalise_mixed_clock(_segs(0, 10), 40, None)
    assert [s.start_s for s in out] == [40, 50]
