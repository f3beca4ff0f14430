"""Small argument checks shared by every public function, loader, tool and policy.

Each check is a plain ``isinstance`` / range test (no model construction), so it costs well under a
microsecond on the hot path. A refused value raises :class:`InvalidRequestError` (a per-call
argument) or :class:`ArgumentConfigurationError` (a constructor argument), and the message names
the argument, shows the value (cut short, never an object's whole repr) and states what is
allowed, so a developer knows what to change.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import ValidationError

from langchain_gemini_vision.errors import (
    ConfigurationError,
    GeminiVisionError,
    InvalidRequestError,
)

ErrorType = type[GeminiVisionError]

_SHOWN_CHARS = 60


class ArgumentConfigurationError(ConfigurationError, InvalidRequestError, ValueError):
    """A constructor argument is invalid (raised when the object is built, before any call).

    It is a :class:`ConfigurationError` (the developer must change the construction), an
    :class:`InvalidRequestError` (what loaders raised for a bad ``mode`` before) and a
    ``ValueError`` (what ``PollPolicy`` and ``RetryPolicy`` raised before), so existing
    ``except`` clauses keep working.
    """


CONSTRUCTION: ErrorType = ArgumentConfigurationError
"""Pass as ``error=`` when checking a constructor's arguments."""


def show(value: object) -> str:
    """A short, safe rendering of a refused value (type name for objects, cut-short reprs)."""
    if value is None or isinstance(value, (bool, int, float, str, bytes, bytearray)):
        text = repr(value)
    elif isinstance(value, (list, tuple, dict, set)):
        text = repr(value) if not value else f"{type(value).__name__} of {len(value)}"
    else:
        # An object's repr may hold a client config (and so a key): show only its type.
        return f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def refuse(
    name: str, value: object, allowed: str, error: ErrorType = InvalidRequestError
) -> NoReturn:
    """Raise ``error`` saying ``name`` got ``value`` and must be ``allowed``."""
    raise error(f"{name} must be {allowed}; got {show(value)}.")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_bool(value: object, name: str, *, error: ErrorType = InvalidRequestError) -> bool:
    """``value`` if it is a bool (1/0 and strings are refused: ``"false"`` would be truthy)."""
    if not isinstance(value, bool):
        refuse(name, value, "True or False", error)
    return value


def check_int(
    value: object,
    name: str,
    *,
    low: int = 0,
    high: int | None = None,
    optional: bool = False,
    error: ErrorType = InvalidRequestError,
) -> int | None:
    """An int in ``[low, high]`` (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < low
        or (high is not None and value > high)
    ):
        span = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"
        refuse(name, value, span + (" or None" if optional else ""), error)
    return value


def check_number(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    optional: bool = False,
    unit: str = "",
    error: ErrorType = InvalidRequestError,
) -> float | None:
    """A finite number in the range (``*_open``: the bound is excluded); None if optional."""
    if value is None and optional:
        return None
    ok = _is_number(value) and math.isfinite(value)  # type: ignore[arg-type]
    if ok and low is not None:
        ok = value > low if low_open else value >= low  # type: ignore[operator]
    if ok and high is not None:
        ok = value < high if high_open else value <= high  # type: ignore[operator]
    if not ok:
        span = _span(low, high, low_open, high_open, unit)
        refuse(name, value, span + (" or None" if optional else ""), error)
    return float(value)  # type: ignore[arg-type]


def _span(low: float | None, high: float | None, low_open: bool, high_open: bool, unit: str) -> str:
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f"a number in {left}{low:g}, {high:g}{right}{unit}"
    if low is not None:
        return f"a number {'>' if low_open else '>='} {low:g}{unit}"
    return f"a finite number{unit}"


def check_text(
    value: object,
    name: str,
    *,
    optional: bool = True,
    error: ErrorType = InvalidRequestError,
) -> str | None:
    """A non-blank string (None allowed when ``optional``); an empty string is never a value."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        refuse(name, value, "a non-empty string" + (" or None" if optional else ""), error)
    return value


def check_choice(
    value: object,
    name: str,
    choices: Collection[str],
    *,
    optional: bool = False,
    error: ErrorType = InvalidRequestError,
) -> str | None:
    """One of ``choices`` (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in choices:
        refuse(name, value, f"one of {sorted(choices)}" + (" or None" if optional else ""), error)
    return value


def check_instance(
    value: object,
    name: str,
    types: type | tuple[type, ...],
    what: str,
    *,
    optional: bool = True,
    error: ErrorType = InvalidRequestError,
) -> Any:
    """``value`` if it is an instance of ``types`` (``what`` describes them in the message)."""
    if value is None and optional:
        return None
    if not isinstance(value, types):
        refuse(name, value, what + (" or None" if optional else ""), error)
    return value


def check_callable(
    value: object, name: str, *, optional: bool = True, error: ErrorType = InvalidRequestError
) -> Callable[..., Any] | None:
    """A callable (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        refuse(name, value, "a callable" + (" or None" if optional else ""), error)
    return value


def check_path(
    value: object, name: str, *, optional: bool = True, error: ErrorType = InvalidRequestError
) -> str | os.PathLike[str] | None:
    """A non-empty path string or ``os.PathLike`` (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    text = os.fspath(value) if isinstance(value, os.PathLike) else value
    if isinstance(text, str) and text.strip() and "\x00" not in text and _home_known(text):
        return value  # type: ignore[return-value]  # a str or a str PathLike
    allowed = "a path (str or os.PathLike; no NUL, no unknown ~user)"
    refuse(name, value, allowed + (" or None" if optional else ""), error)


def _home_known(path: str) -> bool:
    """False for ``~user`` paths of an unknown user (``Path.expanduser`` would raise)."""
    if not path.startswith("~"):
        return True
    try:
        Path(path).expanduser()
    except RuntimeError:
        return False
    return True


def check_keywords(
    options: Mapping[str, object],
    allowed: Collection[str],
    where: str,
    *,
    error: ErrorType = InvalidRequestError,
) -> None:
    """Refuse keyword names ``where`` does not take (instead of Python's TypeError)."""
    unknown = sorted(k for k in options if k not in allowed)
    if unknown:
        raise error(
            f"{where} got unknown keyword argument(s) {unknown}; it takes {sorted(allowed)}."
        )


def check_llm(llm: object, *, error: ErrorType = InvalidRequestError) -> None:
    """None or a ``ChatGoogleGenerativeAI`` (anything else fails deep inside LangChain)."""
    check_instance(llm, "llm", ChatGoogleGenerativeAI, "a ChatGoogleGenerativeAI", error=error)


@contextlib.contextmanager
def as_construction(owner: str, *, also: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Report argument errors raised inside as construction errors of ``owner``.

    Turns pydantic's ``ValidationError`` (tools, toolkit) and per-call ``InvalidRequestError`` s of
    shared checks into :class:`ArgumentConfigurationError`, so a developer's wrong construction
    is reported when the object is built, by the class that was built. ``also`` names further
    exception types a base class raises for a bad argument (LangChain's ``TypeError`` for a bad
    ``args_schema``).
    """
    try:
        yield
    except ArgumentConfigurationError:
        raise
    except ValidationError as exc:
        parts = [
            f"{'.'.join(str(p) for p in e['loc']) or 'argument'}={show(e.get('input'))}: "
            f"{e['msg'].rstrip('.')}"
            for e in exc.errors()
        ]
        raise ArgumentConfigurationError(f"{owner}: {'; '.join(parts)}.") from exc
    except InvalidRequestError as exc:
        raise ArgumentConfigurationError(f"{owner}: {exc}") from exc
    except also as exc:
        raise ArgumentConfigurationError(f"{owner}: {exc}") from exc
