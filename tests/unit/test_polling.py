"""The polling schedule and loop state machine, with a fake clock (no I/O, no sleeping)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from langchain_gemini_vision._polling import (
    PollLoop,
    PollPolicy,
    is_transient,
    parse_duration_s,
    retry_delay_s,
    simulate_schedule,
)
from langchain_gemini_vision.errors import FileProcessingError, FileProcessingTimeout
from langchain_gemini_vision.types import GeminiFile


class FakeAPIError(Exception):
    """Looks like google.genai.errors.APIError to the classifier (module and attributes)."""

    def __init__(self, code: int, details: Any = None, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.details = details
        self.message = message


FakeAPIError.__module__ = "google.genai.errors"

MB = 1_000_000


def snap(state: str, error: str | None = None) -> GeminiFile:
    return GeminiFile(name="files/abc", state=state, error_message=error)


def test_intervals_start_near_half_a_second_grow_and_cap() -> None:
    policy = PollPolicy(jitter=0)
    intervals = [policy.interval(i) for i in range(60)]
    assert intervals[0] == pytest.approx(0.5)
    assert intervals == sorted(intervals)
    assert intervals[-1] == pytest.approx(10.0)
    assert max(intervals) <= 10.0


def test_jitter_stays_within_bounds_and_varies() -> None:
    policy = PollPolicy(jitter=0.1)
    rng = random.Random(7)
    values = [policy.interval(5, rng) for _ in range(200)]
    base = policy.first_interval_s * policy.multiplier**5
    assert min(values) >= base * 0.9 - 1e-9
    assert max(values) <= base * 1.1 + 1e-9
    assert len({round(v, 6) for v in values}) > 100


@pytest.mark.parametrize(
    ("size", "timeout", "expected"),
    [
        (None, None, 120.0),
        (0, None, 120.0),
        (100 * MB, None, 180.0),
        (1000 * MB, None, 720.0),
        (2 * 1024**3, None, 1408.5),  # 2 GiB: still under the 30 min cap
        (10**12, None, 1800.0),  # capped
        (10**12, 5.0, 5.0),  # explicit wins
    ],
)
def test_default_deadline_scales_with_size(
    size: int | None, timeout: float | None, expected: float
) -> None:
    assert PollPolicy().deadline_for(size, timeout) == pytest.approx(expected, abs=0.1)


def test_policy_timeout_overrides_size_scaling() -> None:
    assert PollPolicy(timeout_s=9).deadline_for(10**9) == 9


@pytest.mark.parametrize(
    "kwargs",
    [{"first_interval_s": 0}, {"max_interval_s": 0.1}, {"multiplier": 0.5}, {"jitter": 1.0}],
)
def test_policy_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PollPolicy(**kwargs)


def test_unspecified_and_missing_state_are_not_done() -> None:
    loop = PollLoop("files/abc", PollPolicy(), 0.0, 60)
    assert loop.on_snapshot(snap("STATE_UNSPECIFIED"), 0.0) is False
    assert loop.on_snapshot(snap(""), 0.0) is False
    assert loop.last_state == "STATE_UNSPECIFIED"
    assert loop.on_snapshot(snap("PROCESSING"), 0.0) is False
    assert loop.on_snapshot(snap("ACTIVE"), 0.0) is True


def test_failed_raises_with_the_servers_message() -> None:
    loop = PollLoop("files/abc", PollPolicy(), 0.0, 60)
    with pytest.raises(FileProcessingError, match="Unsupported codec") as info:
        loop.on_snapshot(snap("FAILED", "Unsupported codec"), 1.0)
    assert info.value.server_message == "Unsupported codec"
    assert info.value.file_name == "files/abc"


def test_full_loop_with_fake_clock_times_out_naming_file_elapsed_and_state() -> None:
    policy = PollPolicy(jitter=0)
    now = 0.0
    loop = PollLoop("files/slow", policy, now, 30.0)
    sleeps: list[float] = []
    with pytest.raises(FileProcessingTimeout) as info:
        while True:
            loop.on_snapshot(snap("PROCESSING"), now)
            delay = loop.next_delay(now)
            sleeps.append(delay)
            now += delay
    err = info.value
    assert err.file_name == "files/slow"
    assert err.last_state == "PROCESSING"
    assert err.elapsed_s == pytest.approx(30.0)
    assert "files/slow" in str(err) and "PROCESSING" in str(err) and "30.0 s" in str(err)
    # The last sleep is trimmed to land exactly on the deadline, and the poll rate stays <= 1/s.
    assert sum(sleeps) == pytest.approx(30.0)
    assert loop.polls <= 30


def test_transient_error_honours_retry_info_delay() -> None:
    loop = PollLoop("files/abc", PollPolicy(jitter=0), 0.0, 100)
    details = {
        "error": {
            "code": 429,
            "details": [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"},
            ],
        }
    }
    loop.on_error(FakeAPIError(429, details), 0.0)
    assert loop.next_delay(0.0) == pytest.approx(7.0)
    loop.on_snapshot(snap("PROCESSING"), 7.0)
    assert loop.next_delay(7.0) < 1.0  # back to the normal schedule


def test_server_delay_beyond_the_deadline_fails_now() -> None:
    loop = PollLoop("files/abc", PollPolicy(), 0.0, 10)
    loop.on_error(FakeAPIError(429, None, "Please retry in 46s."), 2.0)
    with pytest.raises(FileProcessingTimeout, match="retry in 46 s"):
        loop.next_delay(2.0)


def test_non_transient_errors_are_re_raised() -> None:
    loop = PollLoop("files/abc", PollPolicy(), 0.0, 10)
    with pytest.raises(FakeAPIError):
        loop.on_error(FakeAPIError(400), 0.0)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (FakeAPIError(429), True),
        (FakeAPIError(503), True),
        (FakeAPIError(500), True),
        (FakeAPIError(403), False),
        (FakeAPIError(404), False),
        (ConnectionResetError(), True),
        (ValueError("x"), False),
    ],
)
def test_transient_classification(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


@pytest.mark.parametrize(
    ("exc", "delay"),
    [
        (FakeAPIError(429, None, "Quota exceeded. Please retry in 22.129513848s."), 22.129513848),
        (FakeAPIError(429, None, "Please retry in 500ms."), 0.5),
        (FakeAPIError(503, {"error": {"message": "overloaded"}}), None),
    ],
)
def test_retry_delay_parsing(exc: BaseException, delay: float | None) -> None:
    assert retry_delay_s(exc) == (pytest.approx(delay) if delay is not None else None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("596s", 596.0), ("1.5s", 1.5), (3, 3.0), ("soon", None), (None, None), (True, None)],
)
def test_parse_duration(value: Any, expected: float | None) -> None:
    assert parse_duration_s(value) == expected


def test_schedule_meets_latency_and_poll_rate_targets() -> None:
    """Simulated: files activating uniformly within 30 s are noticed within 1 s (median) at
    <= 1 poll/s on average, unlike a fixed 10 s loop (the benchmark measures it for real)."""
    median, rate = simulate_schedule(PollPolicy(), samples=2000, seed=3)
    assert median < 1.0
    assert rate <= 1.0
    fixed_median, fixed_rate = simulate_schedule(
        PollPolicy(first_interval_s=10, multiplier=1, jitter=0), samples=2000, seed=3
    )
    assert fixed_median > 3.0  # a fixed 10 s loop notices late, at a fraction of the polls
    assert fixed_rate < rate


def test_float_remainders_cannot_spin_forever() -> None:
    # Regression: a deadline that is not exactly representable left a 1e-15 s remainder that
    # no longer moved a large clock value, and the loop slept 0 s forever.
    start = 1e9 + 0.1
    loop = PollLoop("files/abc", PollPolicy(), start, 5.3)
    now = start
    for _ in range(200):
        loop.on_snapshot(snap("PROCESSING"), now)
        try:
            now += loop.next_delay(now)
        except FileProcessingTimeout:
            break
    else:
        pytest.fail("the loop never timed out")
    assert loop.polls < 50
