"""The bad-input table, row by row, and the copy of it in ``docs/reliability.md``."""

from __future__ import annotations

import pytest

from langchain_gemini_vision import (
    ConfigurationError,
    GeminiFileManager,
    GeminiVisionError,
    GeminiVisionToolkit,
    InvalidRequestError,
    caption_image,
)

from .bad_inputs import DOC, ROWS, Row, current_section, raised, render


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.call}-{r.argument}")
def test_each_bad_input_raises_its_typed_error_naming_argument_and_value(row: Row) -> None:
    exc = raised(row)
    assert isinstance(exc, row.error), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    assert row.argument in message
    if "unknown keyword" not in message:  # an unknown name has no value worth showing
        shown = row.value.split(" ")[0]  # "120 (window_s=60)" shows 120
        assert shown in message, message
    # A construction error is both: fix the construction, and (for old except clauses) a bad
    # request; a per-call error is never reported as a configuration problem.
    if row.error is ConfigurationError:
        assert isinstance(exc, InvalidRequestError)
    else:
        assert not isinstance(exc, ConfigurationError)


def test_docs_reliability_shows_the_table_as_the_calls_raise_it() -> None:
    assert current_section(DOC.read_text(encoding="utf-8")) == render(), (
        "docs/reliability.md is out of date: run `.venv/bin/python -m tests.validation.bad_inputs`"
    )


class _ClientWithKey:
    """A wrong ``llm`` whose repr holds a key, as client objects' reprs often do."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"_ClientWithKey(api_key={self.key!r})"


def test_a_refused_object_is_shown_by_type_never_by_its_repr() -> None:
    key = "AIza" + "q" * 35  # key-shaped, built at run time (no key-like literal is tracked)
    wrong = _ClientWithKey(key)
    for call in (
        lambda: caption_image(b"png", llm=wrong),
        lambda: GeminiFileManager(wrong),
        lambda: GeminiVisionToolkit(llm=wrong),
    ):
        with pytest.raises(GeminiVisionError) as info:
            call()
        assert key not in str(info.value)
        assert "_ClientWithKey" in str(info.value)
