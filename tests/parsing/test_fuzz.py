"""Fuzzers of the lenient parsers: no crash, only typed errors, never silent loss.

Budget: the ``ci`` hypothesis profile (see conftest.py); ``HYPOTHESIS_PROFILE=long`` for more.
"""

from __future__ import annotations

import contextlib
import json
import string
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from langchain_gemini_vision._core.parsing import extract_json
from langchain_gemini_vision._core.timestamps import (
    find_inline_times,
    find_leading_range,
    parse_time_range,
    parse_timestamp,
)
from langchain_gemini_vision.errors import GeminiVisionError, ResponseParseError
from langchain_gemini_vision.video._transcript_parsing import (
    parse_chapters_answer,
    parse_transcript_answer,
)

# Text a model could plausibly emit, biased towards the characters the parsers care about.
_NOISY = st.text(
    alphabet=st.sampled_from(list(string.printable) + list('[]{}():,-*`\u2013\u2014"#|') * 3),
    max_size=300,
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_WORDS = st.lists(
    st.text(alphabet=string.ascii_letters, min_size=2, max_size=8), min_size=1, max_size=6
).map(lambda ws: "Word " + " ".join(ws) + ".")
_SECONDS = st.integers(min_value=0, max_value=5 * 3600)
_TEXT_KEYS = ("text", "caption", "transcript", "description", "content", "speech", "narration")


def _clock(seconds: int, style: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h or style == 2:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m:02d}:{s:02d}" if style == 1 else f"{m}:{s:02d}"


@given(_NOISY)
def test_extract_json_raises_only_response_parse_error(text: str) -> None:
    try:
        extract_json(text)
    except ResponseParseError as exc:
        assert exc.raw_text == text or not text.strip()


@given(_JSON, st.sampled_from(["{}", "```json\n{}\n```", "Here:\n{}\nThanks", "```\n{}"]))
def test_extract_json_finds_a_wrapped_container(value: Any, wrapper: str) -> None:
    container = {"value": value}
    found = extract_json(wrapper.replace("{}", json.dumps(container), 1))
    assert found.value == container


@given(_NOISY)
def test_timestamp_parsers_raise_only_value_error(text: str) -> None:
    for parse in (parse_timestamp, parse_time_range):
        with contextlib.suppress(ValueError):
            parse(text)
    found = find_leading_range(text)
    assert found is None or found[0] >= 0
    for inline in find_inline_times(text):
        assert all(start >= 0 for start, _ in inline.ranges)


@given(_SECONDS, _SECONDS, st.integers(0, 2), st.sampled_from(["{}", "[{}]", "({})", "**{}**"]))
def test_time_ranges_round_trip(a: int, b: int, style: int, wrap: str) -> None:
    text = wrap.format(f"{_clock(a, style)} - {_clock(b, style)}")
    assert parse_time_range(text) == (float(a), float(b))


@given(_NOISY)
def test_transcript_parser_raises_only_typed_errors(text: str) -> None:
    try:
        parsed = parse_transcript_answer(text)
    except GeminiVisionError:
        return
    assert all(s.start_s >= 0 for s in parsed.segments)


@given(_NOISY)
def test_chapters_parser_raises_only_typed_errors(text: str) -> None:
    with contextlib.suppress(GeminiVisionError):
        parse_chapters_answer(text)


def _render(pairs: list[tuple[int, str]], shape: int, key: str, style: int) -> str:
    stamped = [(_clock(s, style), w) for s, w in pairs]
    if shape == 0:
        return json.dumps({"segments": [{"start": t, key: w} for t, w in stamped]})
    if shape == 1:
        return json.dumps([{t: w} for t, w in stamped])
    if shape == 2:
        return "\n".join(f"* **{t}:** {w}" for t, w in stamped)
    if shape == 3:
        return " ".join(f"{w[:-1]} ({t})." for t, w in stamped)
    return "\n".join(f"*   **Timestamp: {t}**\n    {w}" for t, w in stamped)


@given(
    st.lists(st.tuples(_SECONDS, _WORDS), min_size=1, max_size=6),
    st.integers(0, 4),
    st.sampled_from(_TEXT_KEYS),
    st.integers(0, 2),
)
def test_time_and_text_pairs_are_never_lost(
    pairs: list[tuple[int, str]], shape: int, key: str, style: int
) -> None:
    parsed = parse_transcript_answer(_render(pairs, shape, key, style))
    got = [(s.start_s, s.text) for s in parsed.segments]
    if shape == 1:
        # One-key objects with a repeated time still give one segment each.
        assert len(got) == len(pairs)
    assert got == [(float(s), w) for s, w in pairs]
