"""Every timestamp style Gemini (and users) write, table-driven."""

from __future__ import annotations

import pytest

from langchain_gemini_vision._core.timestamps import (
    duration_string,
    find_leading_range,
    parse_duration_string,
    parse_time_range,
    parse_timestamp,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:40", 40.0),
        ("0:29", 29.0),
        ("1:05", 65.0),
        ("[01:05]", 65.0),
        ("(0:09)", 9.0),
        ("**0:09**", 9.0),
        ("1:02:03", 3723.0),
        ("01:02:03", 3723.0),
        ("00:01:15,250", 75.25),
        ("00:40.5", 40.5),
        ("90", 90.0),
        ("90.5", 90.5),
        ("90s", 90.0),
        ("1m30s", 90.0),
        ("1h2m3s", 3723.0),
        ("2h", 7200.0),
        (75, 75.0),
        (1.5, 1.5),
    ],
)
def test_parse_timestamp(text: str | float, seconds: float) -> None:
    assert parse_timestamp(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "-5", "1:75", "1:60:00", "5 minutes", "0:00-0:16"])
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), True])
def test_parse_timestamp_refuses_bad_numbers(value: float) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:40", (40.0, None)),
        ("0:29 - 0:32", (29.0, 32.0)),
        ("0:00-0:16", (0.0, 16.0)),
        ("00:00 - 00:17", (0.0, 17.0)),
        ("(0:00-0:09)", (0.0, 9.0)),
        ("[00:00 \u2013 00:17]", (0.0, 17.0)),
        ("0:10\u20140:12", (10.0, 12.0)),
        ("1:00:00 to 1:00:30", (3600.0, 3630.0)),
        ("90s-2m", (90.0, 120.0)),
    ],
)
def test_parse_time_range(text: str, expected: tuple[float, float | None]) -> None:
    assert parse_time_range(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[00:12] Hello there", (12.0, None, "Hello there")),
        ("**0:00-0:16**: Welcome", (0.0, 16.0, "Welcome")),
        ("(0:00 - 0:09) A man waves", (0.0, 9.0, "A man waves")),
        ("- 01:05 - the chart", (65.0, None, "the chart")),
        ("3. 00:40 | Closing", (40.0, None, "Closing")),
        ("At 00:40, the speaker turns", (40.0, None, "the speaker turns")),
        ("1:02:03 Late remark", (3723.0, None, "Late remark")),
    ],
)
def test_find_leading_range(line: str, expected: tuple[float, float | None, str]) -> None:
    assert find_leading_range(line) == expected


@pytest.mark.parametrize("line", ["Hello at the start", "42 people came", "", "no stamp 00:12"])
def test_find_leading_range_needs_a_leading_clock(line: str) -> None:
    assert find_leading_range(line) is None


def test_duration_strings_round_trip() -> None:
    assert duration_string(40) == "40s"
    assert duration_string(1.25) == "1.25s"
    assert duration_string(0) == "0s"
    assert parse_duration_string("596s") == 596.0
    assert parse_duration_string("1.5s") == 1.5
    assert parse_duration_string({"seconds": 3, "nanos": 500_000_000}) == 3.5
    assert parse_duration_string("garbage") is None
    assert parse_duration_string(None) is None
    with pytest.raises(ValueError):
        duration_string(-1)
