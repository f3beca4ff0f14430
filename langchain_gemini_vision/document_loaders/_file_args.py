"""The constructor checks of ``GeminiFileLoader`` (cheap type and range tests, no I/O)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from langchain_gemini_vision._core import validate as checks
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.tracing import check_config
from langchain_gemini_vision.media._arg_checks import check_gcs_uri, check_manager


def check_file_loader_args(args: dict[str, Any]) -> str | os.PathLike[str] | list[Any]:
    """Check the arguments (``ConfigurationError``); return ``sources`` (iterators read once)."""
    with checks.as_construction("GeminiFileLoader"):
        sources = args["sources"]
        if isinstance(sources, (str, os.PathLike)):
            listed: list[Any] = [sources]
        elif isinstance(sources, Iterable) and not isinstance(sources, (bytes, bytearray)):
            listed = sources = list(sources)
        else:
            checks.refuse(
                "sources", sources, "a path, glob, URL or files/... name, or a list of them"
            )
        if not listed:
            checks.refuse("sources", sources, "at least one path, glob, URL or files/... name")
        for i, source in enumerate(listed):
            checks.check_path(source, f"sources[{i}]", optional=False)
            check_gcs_uri(source, f"sources[{i}]")
        checks.check_llm(args["llm"])
        checks.check_text(args["prompt"], "prompt")
        prompts = args["prompts"]
        if prompts is not None and (
            not isinstance(prompts, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in prompts.items())
        ):
            checks.refuse("prompts", prompts, "a mapping of kind names to prompt strings, or None")
        for name in ("delete_after", "reuse", "continue_on_failure"):
            checks.check_bool(args[name], name)
        checks.check_int(args["max_concurrency"], "max_concurrency", low=1, high=64)
        checks.check_number(args["timeout"], "timeout", low=0, optional=True, unit="seconds")
        checks.check_instance(args["poll_policy"], "poll_policy", PollPolicy, "a PollPolicy")
        checks.check_path(args["cache_dir"], "cache_dir")
        check_config(args["config"])
        checks.check_int(args["max_download_bytes"], "max_download_bytes", low=1)
        check_manager(args["manager"])
    return sources  # type: ignore[no-any-return]  # str, PathLike or list, as checked
