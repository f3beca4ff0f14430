"""Argument checks of ``GeminiFileManager`` (kept apart so ``files.py`` stays the public face)."""

from __future__ import annotations

import os
import re
from typing import Any

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision._core.validate import (
    CONSTRUCTION,
    check_bool,
    check_callable,
    check_instance,
    check_llm,
    check_number,
    check_path,
    check_text,
    refuse,
)

MAX_PAGE_SIZE = 100
"""The File API's largest page."""


def check_manager_args(args: dict[str, Any]) -> None:
    """The constructor's arguments (raised as ``ConfigurationError``: fix the construction)."""
    check_llm(args["llm"], error=CONSTRUCTION)
    check_path(args["cache_dir"], "cache_dir", error=CONSTRUCTION)
    check_bool(args["reuse"], "reuse", error=CONSTRUCTION)
    check_number(args["reuse_margin_s"], "reuse_margin_s", low=0, error=CONSTRUCTION)
    for name, kind in (("poll_policy", PollPolicy), ("retry_policy", RetryPolicy)):
        check_instance(args[name], name, kind, f"a {kind.__name__}", error=CONSTRUCTION)
    for name in ("sleep", "clock", "asleep", "now"):
        check_callable(args[name], name, optional=False, error=CONSTRUCTION)
    check_text(args["owned_prefix"], "owned_prefix", optional=False, error=CONSTRUCTION)


_MIME = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*", re.ASCII)


def check_upload_args(
    source: object, mime_type: object, display_name: object, on_progress: object, timeout: object
) -> None:
    """The arguments of ``upload`` and ``temporary`` (and their async twins)."""
    if isinstance(source, (str, os.PathLike)):
        check_path(source, "source", optional=False)
    if mime_type is not None and not (isinstance(mime_type, str) and _MIME.fullmatch(mime_type)):
        refuse("mime_type", mime_type, "a MIME type such as 'video/mp4', or None to sniff it")
    check_instance(display_name, "display_name", str, "a string")
    check_wait_args(timeout, on_progress)


def check_wait_args(timeout: object, on_progress: object) -> None:
    """The arguments of ``wait_until_active`` (and of the uploads that wait)."""
    check_number(timeout, "timeout", low=0, optional=True, unit="seconds")
    check_callable(on_progress, "on_progress")
