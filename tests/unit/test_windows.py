"""Token estimates, window plans, the relative/absolute clock heuristic, validation, merging."""

from __future__ import annotations

import itertools

import pytest

from langchain_gemini_vision.video._windows import (
    RawSegment,
    Window,
    choose_clock,
    default_window_s,
    estimate_video_tokens,
    fit_fps,
    merge_windows,
    normalise_clock,
    plan_windows,
    tokens_per_second,
    validate_segments,
)


def seg(start: float, end: float | None = None, text: str = "x") -> RawSegment:
    return RawSegment(start, end, text)


# --- cost ---------------------------------------------------------------------------------------


def test_token_estimate_matches_the_guide() -> None:
    # Guide: 258 tokens/frame at 1 fps + 32 audio tokens/s, ~300 tokens/s with metadata.
    assert tokens_per_second() == 300
    assert estimate_video_tokens(3600) == 1_080_000  # an hour does not fit 1M: must window
    assert tokens_per_second(fps=2) == 2 * 258 + 42
    assert tokens_per_second(media_resolution="MEDIA_RESOLUTION_LOW") == 66 + 42


def test_default_window_stays_well_inside_the_context() -> None:
    window = default_window_s()
    assert 40 * 60 <= window <= 46 * 60
    assert estimate_video_tokens(window) <= 0.8 * 1_048_576
    # Lower resolution and fps allow longer windows; higher fps shorter ones.
    assert default_window_s(media_resolution="MEDIA_RESOLUTION_LOW") > 2 * window
    assert default_window_s(fps=24) < 3 * 60


def test_fit_fps_lowers_the_rate_to_fit() -> None:
    assert fit_fps(600) == 1.0
    fps = fit_fps(3 * 3600)
    assert fps is not None and 0 < fps < 1
    assert estimate_video_tokens(3 * 3600, fps) <= 0.8 * 1_048_576
    assert fit_fps(100 * 3600) is None  # audio alone no longer fits


# --- planning -----------------------------------------------------------------------------------


def test_short_video_is_one_window() -> None:
    assert plan_windows(0, 20, 2700, 10) == [Window(0, 0, 20)]


@pytest.mark.parametrize(
    ("start", "end", "window", "overlap"),
    [(0, 10800, 2741, 10), (0, 10800.4, 600, 15), (125, 4000, 900, 30), (0, 2742, 2741, 10)],
)
def test_windows_cover_the_span_with_overlap(
    start: float, end: float, window: float, overlap: float
) -> None:
    windows = plan_windows(start, end, window, overlap)
    assert windows[0].start_s == start
    assert windows[-1].end_s == end
    for a, b in itertools.pairwise(windows):
        assert b.start_s < a.end_s  # they overlap: no gap
        assert a.end_s - b.start_s <= overlap + 2
        assert b.start_s > a.start_s
    assert all(w.length_s <= window + 1 for w in windows)
    assert [w.index for w in windows] == list(range(len(windows)))


def test_three_hours_at_the_default_is_four_windows() -> None:
    assert len(plan_windows(0, 3 * 3600, default_window_s(), 10)) == 4


# --- clock heuristic ----------------------------------------------------------------------------


def test_recorded_answer_at_00_40_on_a_40_80_clip_is_absolute() -> None:
    # Recorded: a 40-80 s clip answered "At 00:40": fits both readings; the first stamp is
    # nearest the clip start, so it is on the video's clock.
    assert choose_clock([seg(40)], 40, 80) == "absolute"
    shifted, notes = normalise_clock([seg(40, 45)], 40, 80)
    assert shifted[0].start_s == 40 and notes == []


def test_clip_relative_answer_is_shifted() -> None:
    segments = [seg(0, 5), seg(5, 12), seg(30, 39)]
    assert choose_clock(segments, 40, 80) == "relative"
    shifted, notes = normalise_clock(segments, 40, 80, label="clip")
    assert [s.start_s for s in shifted] == [40, 45, 70]
    assert [s.end_s for s in shifted] == [45, 52, 79]
    assert "relative to the clip" in notes[0]


def test_absolute_answer_on_a_late_window() -> None:
    segments = [seg(2700, 2710), seg(3000), seg(5390, 5400)]
    assert choose_clock(segments, 2697, 5405) == "absolute"


def test_relative_answer_on_a_late_window() -> None:
    segments = [seg(0, 10), seg(300), seg(2690, 2700)]
    assert choose_clock(segments, 2697, 5405) == "relative"


def test_clip_from_zero_is_always_absolute() -> None:
    assert choose_clock([seg(0), seg(10)], 0, 60) == "absolute"


def test_neither_reading_fits_majority_wins() -> None:
    # Mostly relative stamps plus one hallucinated far-off one.
    assert choose_clock([seg(1), seg(10), seg(20), seg(900)], 100, 140) == "relative"
    # Mostly absolute.
    assert choose_clock([seg(101), seg(120), seg(135), seg(900)], 100, 140) == "absolute"


def test_open_ended_clip() -> None:
    assert choose_clock([seg(90), seg(100)], 90, None) == "absolute"
    assert choose_clock([seg(0), seg(10)], 90, None) == "relative"


# --- validation ---------------------------------------------------------------------------------


def test_validation_repairs_and_lists_each_repair() -> None:
    result = validate_segments(
        [
            seg(0, 4, "a"),
            seg(9, 5, "swapped"),
            seg(12, None, "open"),
            seg(11, 13, "early"),
            seg(55, 75, "runs past the end"),
            seg(125, 130, "hallucinated"),
        ],
        0,
        60,
    )
    starts = [s.start_s for s in result.segments]
    assert starts == sorted(starts)
    assert all(s.end_s is not None and s.start_s <= s.end_s <= 60 for s in result.segments)
    assert [s.text for s in result.segments] == [
        "a",
        "swapped",
        "early",
        "open",
        "runs past the end",
    ]
    assert result.dropped_out_of_range == 1
    joined = " | ".join(result.repairs)
    assert "swapped" in joined
    assert "dropped a segment at 02:05" in joined
    assert "past the end" in joined and "clamped" in joined
    assert "out of order" in joined


def test_missing_end_is_next_start_and_last_is_bounded() -> None:
    result = validate_segments([seg(0), seg(4), seg(58)], 0, 60)
    assert [(s.start_s, s.end_s) for s in result.segments] == [(0, 4), (4, 58), (58, 60)]
    assert result.repairs == []


def test_small_rounding_past_the_end_is_clamped_silently() -> None:
    result = validate_segments([seg(59.5, 60.4)], 0, 60)
    assert result.segments[0].end_s == 60
    assert result.repairs == []


def test_repeated_line_is_dropped() -> None:
    result = validate_segments([seg(5, 6, "Hi!"), seg(5, 6, "hi")], 0, 60)
    assert len(result.segments) == 1
    assert "repeated" in result.repairs[0]


def test_unknown_end_keeps_late_segments() -> None:
    result = validate_segments([seg(5000, 5010)], 0, None)
    assert result.segments[0].start_s == 5000


# --- merging ------------------------------------------------------------------------------------


def test_overlap_merge_keeps_one_copy_of_each_line() -> None:
    first = Window(0, 0, 100)
    second = Window(1, 90, 200)
    merged, removed = merge_windows(
        [
            (second, [seg(91, 95, "And that is why the sky is blue."), seg(120, 130, "Next")]),
            (first, [seg(10, 20, "Intro"), seg(92, 96, "and that's why the sky is blue")]),
        ]
    )
    texts = [s.text for s in merged]
    assert texts.count("Next") == 1
    assert sum("sky is blue" in t.lower() for t in texts) == 1
    assert removed == 1
    assert [s.start_s for s in merged] == sorted(s.start_s for s in merged)


def test_overlap_merge_keeps_different_lines_from_both_windows() -> None:
    merged, removed = merge_windows(
        [
            (Window(0, 0, 100), [seg(92, 94, "first window only")]),
            (Window(1, 90, 200), [seg(97, 99, "second window only")]),
        ]
    )
    assert [s.text for s in merged] == ["first window only", "second window only"]
    assert removed == 0


def test_duplicate_past_the_midpoint_comes_from_the_later_window() -> None:
    merged, _ = merge_windows(
        [
            (Window(0, 0, 100), [seg(98, 100, "cut off at the edge")]),
            (Window(1, 90, 200), [seg(98, 103, "cut off at the edge of the window")]),
        ]
    )
    assert len(merged) == 1
    assert merged[0].end_s == 103
