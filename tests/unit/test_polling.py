"""The polling schedule and loop state machine, with a fake clock (no I/O, no sleeping)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from langchain_gemini_vision._core.poll_schedule import PROBE_HOLD_S, ProcessingRates
from langchain_gemini_vision._core.polling import (
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


def _poll_times(policy: PollPolicy, horizon: float, seed: int = 0) -> list[float]:
    """Times of the polls a loop makes on a fake clock while a file stays PROCESSING."""
    loop = PollLoop("files/abc", policy, 0.0, horizon, rng=random.Random(seed))
    now, times = 0.0, []
    loop.on_snapshot(snap("PROCESSING"), now)  # the upload's answer: not a poll
    while True:
        try:
            now += loop.next_delay(now)
        except FileProcessingTimeout:
            return times
        times.append(now)
        loop.on_snapshot(snap("PROCESSING"), now)


def test_schedule_is_a_one_second_grid_then_backs_off_to_the_cap() -> None:
    times = _poll_times(PollPolicy(jitter=0), 600.0)
    gaps = [b - a for a, b in itertools.pairwise(times)][:-1]  # last: cut by deadline
    assert times[0] == pytest.approx(1.0)
    attentive = [g for t, g in zip(times, gaps, strict=False) if t < 31.0]
    assert attentive == [pytest.approx(1.0)] * len(attentive)  # 1 poll/s while likely ready
    assert gaps == sorted(gaps, key=lambda g: round(g, 9))  # then only ever slower
    assert gaps[-1] == pytest.approx(10.0)
    assert min(gaps) >= 1.0 - 1e-9  # never more than one poll per second


def test_jitter_staggers_the_phase_without_raising_the_rate() -> None:
    firsts = [_poll_times(PollPolicy(jitter=0.1), 5.0, seed)[0] for seed in range(200)]
    assert min(firsts) >= 1.0 and max(firsts) <= 1.1
    assert len({round(f, 6) for f in firsts}) > 100  # many files poll out of step
    for seed in range(20):
        times = _poll_times(PollPolicy(jitter=0.1), 20.0, seed)
        gaps = [b - a for a, b in itertools.pairwise(times)][:-1]  # last: deadline
        assert min(gaps) >= 1.0 - 1e-9


def test_a_slow_answer_does_not_shift_the_grid_and_never_doubles_up() -> None:
    loop = PollLoop("files/abc", PollPolicy(jitter=0), 0.0, 100.0)
    loop.on_snapshot(snap("PROCESSING"), 0.0)
    assert loop.next_delay(0.0) == pytest.approx(1.0)
    loop.on_snapshot(snap("PROCESSING"), 1.3)  # the GET at 1.0 s took 0.3 s
    assert loop.next_delay(1.3) == pytest.approx(0.7)  # next poll still at 2.0 s
    loop.on_snapshot(snap("PROCESSING"), 4.5)  # an answer slower than the grid
    assert loop.next_delay(4.5) == pytest.approx(1.0)  # a new grid, not an immediate poll


def test_prediction_polls_sparsely_before_the_ready_time_then_every_second() -> None:
    policy = PollPolicy(jitter=0)
    loop = PollLoop("files/big", policy, 0.0, 600.0, predicted_s=60.0)
    now, times = 0.0, []
    loop.on_snapshot(snap("PROCESSING"), now)
    while now < 70.0:
        now += loop.next_delay(now)
        times.append(now)
        loop.on_snapshot(snap("PROCESSING"), now)
    assert len([t for t in times if t < 56.0]) < 12  # instead of ~55 on the plain 1 s grid
    near = [t for t in times if t >= 59.0]
    assert near[0] <= 60.0  # the predicted time is covered from a second before it
    assert [b - a for a, b in itertools.pairwise(near)] == [pytest.approx(1.0)] * (len(near) - 1)


def test_observed_rates_predict_large_files_only() -> None:
    rates = ProcessingRates()
    big = 100 * 1024 * 1024
    assert rates.predict_s(big) is None  # no evidence yet
    for seconds in (10.0, 10.0, 12.0):
        rates.record(big, seconds)
    rates.record(1000, 50.0)  # small files teach nothing
    predicted = rates.predict_s(2 * big)
    assert predicted is not None and 15.0 <= predicted <= 20.0  # early side of 20 s
    assert rates.predict_s(1000) is None


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
    # The last sleep is trimmed to land exactly on the deadline, and the poll rate stays <= 1/s
    # (the snapshot at 0 s is the upload's answer, then at most one poll per second).
    assert sum(sleeps) == pytest.approx(30.0)
    assert loop.polls <= 31


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
    assert loop.next_delay(7.0) == pytest.approx(1.0)  # back to the normal 1 s grid


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
    """Simulated: files activating uniformly within 0.5-30 s are noticed 0.5 s late (median) at
    <= 1 poll/s, files activating within 1-5 s are polled at <= 1 poll/s, and a fixed 10 s loop
    notices far later (the benchmark measures it for real)."""
    median, rate = simulate_schedule(PollPolicy(), samples=4000, seed=3)
    assert median <= 0.52  # 0.5 s is the floor for any schedule polling at most once a second
    assert rate <= 1.0
    _, fast_rate = simulate_schedule(
        PollPolicy(), samples=4000, ready_from_s=1.0, ready_within_s=5.0, seed=3
    )
    assert fast_rate <= 1.0
    fixed = PollPolicy(first_interval_s=10, steady_interval_s=10, multiplier=1, jitter=0)
    fixed_median, fixed_rate = simulate_schedule(fixed, samples=2000, seed=3)
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


def test_early_looks_are_learned_per_size_class() -> None:
    rates = ProcessingRates()
    tiny, video = 2_000, 100 * 1024 * 1024
    rates.note_first_look(tiny, True)
    assert rates.ready_at_first_look(tiny)
    assert not rates.ready_at_first_look(video)  # tiny files being quick says nothing here
    for ready in (False, False, True):
        rates.note_first_look(video, ready)
    assert not rates.ready_at_first_look(video)  # mostly not ready at the first look
    rates.note_first_look(video, True)
    assert rates.ready_at_first_look(video)  # half of the recent looks were: look early


def test_waits_without_evidence_share_one_early_probe_per_size_class() -> None:
    rates = ProcessingRates()
    video, tiny = 20 * 1024 * 1024, 2_000
    # A burst of waits for same-sized files: only the first looks early.
    assert [rates.look_early(video, now=100.0 + i * 0.01) for i in range(40)] == [True] + [
        False
    ] * 39
    assert rates.look_early(tiny, now=100.5)  # another size class has its own probe
    # The probe's answer is the evidence from then on, whatever the clock says.
    rates.note_first_look(video, False)
    assert not rates.look_early(video, now=500.0)
    rates.note_first_look(video, True)
    assert rates.look_early(video, now=100.2)


def test_an_unanswered_probe_lapses_so_a_later_wait_can_probe_again() -> None:
    rates = ProcessingRates()
    size = 5_000_000
    assert rates.look_early(size, now=10.0)
    assert not rates.look_early(size, now=10.0 + PROBE_HOLD_S - 0.01)
    assert rates.look_early(size, now=10.0 + PROBE_HOLD_S)  # that wait never reported back
    rates.clear()
    assert rates.look_early(size, now=10.1)


def test_an_early_look_that_misses_takes_the_place_of_the_first_grid_poll() -> None:
    processing = GeminiFile(name="files/x", state="PROCESSING")
    for early in (False, True):
        loop = PollLoop("files/x", PollPolicy(jitter=0.0), 0.0, 600.0, early_look=early)
        now, polls = 0.0, []
        loop.on_snapshot(processing, now)  # the upload's answer
        for _ in range(4):
            now += loop.next_delay(now)
            polls.append(round(now, 6))
            loop.on_snapshot(processing, now)
        # Whatever the first look, the n-th poll is never before n seconds: one poll per second
        # at most, on average over any wait.
        assert polls == ([0.1, 2.0, 3.0, 4.0] if early else [1.0, 2.0, 3.0, 4.0])
