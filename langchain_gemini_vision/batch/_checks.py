"""Boundary checks of the Batch Mode calls: plain isinstance and range tests, before any I/O."""

from __future__ import annotations

import os
from collections.abc import Iterable

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.validate import (
    ErrorType,
    check_callable,
    check_instance,
    check_int,
    check_llm,
    check_path,
    check_text,
    refuse,
)
from langchain_gemini_vision.batch._items import ItemRecord
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._arg_checks import check_manager

#: The API refuses a create body over 20 MB; a larger limit would only fail on the server.
MAX_INLINE_LIMIT_BYTES = 20 * 1024 * 1024


def check_items(value: object, name: str) -> None:
    """An iterable of items (one text or bytes value is refused: it would be split per char)."""
    if isinstance(value, (str, bytes, bytearray, memoryview, os.PathLike)) or not isinstance(
        value, Iterable
    ):
        refuse(name, value, "a list (or other iterable) of items, e.g. [item] for a single one")


def check_clocks(*, error: ErrorType = InvalidRequestError, **clocks: object) -> None:
    """``now`` / ``sleep`` / ``asleep`` / ``clock``: callables (a wrong one fails in ``wait()``)."""
    for name, value in clocks.items():
        check_callable(value, name, optional=False, error=error)


def check_submit(
    *,
    llm: object,
    model: object,
    display_name: object,
    job_path: object,
    manager: object,
    inline_limit_bytes: object,
    on_item: object,
) -> None:
    """The collaborators and settings of ``submit_batch``."""
    check_llm(llm)
    check_text(model, "model")
    check_text(display_name, "display_name")
    check_path(job_path, "job_path")
    check_manager(manager)
    check_int(inline_limit_bytes, "inline_limit_bytes", high=MAX_INLINE_LIMIT_BYTES)
    check_callable(on_item, "on_item")


def check_job_fields(
    *,
    llm: object,
    name: object,
    model: object,
    display_name: object,
    lists: dict[str, object],
    paths: dict[str, object],
    error: ErrorType = InvalidRequestError,
) -> None:
    """The fields of a ``BatchJob`` (built by ``submit_batch`` / ``load``, or by hand)."""
    what = "a ChatGoogleGenerativeAI"
    check_instance(llm, "llm", ChatGoogleGenerativeAI, what, optional=False, error=error)
    check_text(name, "name", error=error)
    check_text(model, "model", optional=False, error=error)
    check_instance(display_name, "display_name", str, "a string", optional=False, error=error)
    for field, value in lists.items():
        kind, what = (ItemRecord, "ItemRecord") if field == "items" else (str, "str")
        if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
            refuse(field, value, f"a list of {what}", error)
    for field, value in paths.items():
        check_path(value, field, error=error)
