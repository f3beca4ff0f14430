"""Every parameter of every public callable, fed wrong types and out-of-range values.

The only acceptable outcomes are a result (the value was valid after all: the call then runs
against the emulator) or a ``GeminiVisionError``; never a ``TypeError``, ``AttributeError``,
pydantic or SDK exception. ``GEMINI_VISION_FUZZ_EXAMPLES`` raises the number of examples per
parameter (default 12 in CI; e.g. 500 for a longer run on demand).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_gemini_vision import GeminiVisionError

from .._offline import offline_llm
from .surface import BASELINES, UNKNOWN_OPTION, World, call, parameters, public_callables

EXAMPLES = int(os.environ.get("GEMINI_VISION_FUZZ_EXAMPLES", "12"))

NASTY_NUMBERS = [0, -1, -5, 10**12, -(10**12), 0.5, -0.0, math.nan, math.inf, -math.inf, 1e308]
NASTY_TEXT = [
    "",
    " ",
    "\n",
    "0",
    "-1",
    "none",
    "files/",
    "files/../x",
    "gs://",
    "\x00",
    "~no-such-user/x",
]
NASTY_TEXT += ["é" * 300]

BAD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NASTY_NUMBERS),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=12),
    st.binary(max_size=16),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.tuples(st.integers(), st.integers()),
    st.builds(object),
    st.just(print),
)


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name in sorted(set(public_callables())):
        factory = BASELINES.get(name)
        if factory is None:
            continue  # reported by test_every_public_callable_has_a_baseline
        probe = factory(_PROBE_WORLD)
        cases += [(name, param) for param in parameters(name, probe)]
    return cases


def _probe_world() -> World:
    """For reading signatures at collection time: an offline model, nothing is called."""
    return World(llm=offline_llm(), tmp=Path(tempfile.mkdtemp()), png=b"", mp4=b"")


_PROBE_WORLD = _probe_world()


def test_every_public_callable_has_a_baseline() -> None:
    missing = sorted(set(public_callables()) - set(BASELINES))
    assert missing == [], f"add a valid baseline call to tests/validation/surface.py: {missing}"
    assert len(_cases()) > 200  # every parameter of ~45 callables


# build_llm passes unknown keywords on to ChatGoogleGenerativeAI, which warns and keeps them.
@pytest.mark.filterwarnings("ignore:.*is not default parameter")
@pytest.mark.parametrize(("name", "param"), _cases())
def test_wrong_values_give_only_typed_errors(world: World, name: str, param: str) -> None:
    baseline = BASELINES[name](world)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(value=BAD_VALUES)
    def check(value: Any) -> None:
        kwargs = {**baseline.kwargs, param: value}
        # Typed errors are what we want (their messages are checked in test_bad_input_table).
        with contextlib.suppress(GeminiVisionError):
            call(baseline, kwargs)

    check()


def test_an_unknown_keyword_is_an_option_error_not_a_type_error(world: World) -> None:
    baseline = BASELINES["transcribe_video"](world)
    with pytest.raises(GeminiVisionError, match=UNKNOWN_OPTION):
        call(baseline, {**baseline.kwargs, UNKNOWN_OPTION: 1})
