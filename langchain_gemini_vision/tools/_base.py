"""Shared base of the Gemini vision tools: developer configuration and error mapping.

Everything the *developer* decides (model, allowed folders, output folder, limits) lives here as a
constructor field; a tool's ``args_schema`` holds only what the *model* may choose.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, ToolException
from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import ConfigDict, Field, PrivateAttr, ValidationError
from pydantic.v1 import ValidationError as ValidationErrorV1

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.error_mapping import CallContext, map_error
from langchain_gemini_vision._core.generation import generation_retries
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision._core.validate import CONSTRUCTION, as_construction, check_llm
from langchain_gemini_vision.errors import (
    ConfigurationError,
    ConnectionLostError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    RateLimitError,
    RequestTimeoutError,
    ServiceUnavailableError,
)
from langchain_gemini_vision.media._arg_checks import check_settings
from langchain_gemini_vision.media._prepare import MediaPolicy

T = TypeVar("T")


def child_config(
    run_manager: CallbackManagerForToolRun | AsyncCallbackManagerForToolRun | None,
) -> RunnableConfig | None:
    """The config of the model calls a tool run makes, so their runs are the tool run's children."""
    return None if run_manager is None else {"callbacks": run_manager.get_child()}


def _error_for_model(exc: GeminiVisionError) -> str:
    """One line the calling model can act on (never a repr or a traceback)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, FileProcessingTimeout):
        return f"{text} Try a shorter clip or ask again later."
    if isinstance(exc, FileProcessingError):
        return f"{text} The file cannot be used; try another file."
    if isinstance(exc, ConfigurationError):
        return (
            f"The vision tool is not configured: {text} Tell the user; calling again will not help."
        )
    if isinstance(exc, (RateLimitError, ServiceUnavailableError, RequestTimeoutError)):
        return (
            f"{text} The tool already retried; this is temporary: tell the user, or try again "
            "later."
        )
    if isinstance(exc, ConnectionLostError):
        return f"{text} The tool already retried; tell the user the vision service is unreachable."
    return text


def _validation_error_for_model(exc: ValidationError | ValidationErrorV1) -> str:
    """Which arguments were wrong and why, so the model can call again correctly."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'arguments'}: {error['msg']}"
            for error in exc.errors()
        )
    else:  # pragma: no cover - pydantic v1 schemas are not used by these tools
        problems = str(exc)
    return f"Invalid tool arguments ({problems}). Fix them and call the tool again."


class GeminiVisionBaseTool(BaseTool):
    """Base class of the four Gemini vision tools (not for direct use).

    Attributes:
        llm: The Gemini chat model; built from the environment (GOOGLE_API_KEY) when omitted.
        allowed_dirs: Folders whose files the model may name; default the working directory at
            construction time; ``[]`` forbids local files.
        allow_urls: Whether the model may pass http(s) URLs (fetched with an SSRF guard).
        ssrf_guard: Refuse URLs that resolve to private, loopback or metadata addresses. Only turn
            off for trusted, local deployments.
        allow_gcs: Whether the model may pass ``gs://`` URIs (Gemini reads them with the
            project's credentials, so this is off unless the developer opts in).
        allow_hardlinks: Read files under ``allowed_dirs`` that have several names (hard links);
            off by default, since a hard link can give an outside file an inside name.
        max_content_chars: Cap on the text returned to the model (the artifact is never capped).
        retry_policy: How this tool's model calls are retried after a transient failure (default
            ``RetryPolicy()``: 4 attempts; see ``generation_retries``).
        handle_tool_error: On by default: every ``GeminiVisionError`` (bad media, refusals, rate
            limits, outages, timeouts, a rejected key) comes back to the model as an error
            result with a next step instead of ending the agent's run.
        handle_validation_error: On by default: wrong arguments from the model come back to it
            as a message naming them.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: ChatGoogleGenerativeAI | None = Field(default=None, exclude=True)
    allowed_dirs: list[Path] | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    allow_gcs: bool = False
    allow_hardlinks: bool = False
    max_content_chars: int = 8000
    retry_policy: RetryPolicy | None = None
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = True
    handle_validation_error: (
        bool | str | Callable[[ValidationError | ValidationErrorV1], str] | None
    ) = _validation_error_for_model
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    _resolved_llm: ChatGoogleGenerativeAI | None = PrivateAttr(default=None)
    _policy: MediaPolicy | None = PrivateAttr(default=None)

    def __init__(self, **data: Any) -> None:
        """Build the tool; a wrong setting raises ``ConfigurationError`` naming it.

        Raises:
            ConfigurationError: A setting of the wrong type or out of range (pydantic's
                ``ValidationError`` is reported this way, with the field, value and rule).
        """
        owner = type(self).__name__
        # LangChain's validators read some fields before pydantic checks them, failing with
        # AttributeError or TypeError: check those first, and name the field either way.
        check_llm(data.get("llm"), error=CONSTRUCTION)
        with as_construction(owner, also=(TypeError, AttributeError)):
            super().__init__(**data)
        check_settings(owner, {k: getattr(self, k) for k in type(self).model_fields})

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # Show the model by name: the default repr would print its whole ~900-character config.
        for key, value in super().__repr_args__():
            if key == "llm":
                yield "model", model_name(value) if value is not None else None
            else:
                yield key, value

    def model_post_init(self, context: Any, /) -> None:
        # Fix the default folder at construction time, so a later chdir cannot widen access.
        if self.allowed_dirs is None:
            self.allowed_dirs = [Path(os.getcwd())]
        self._policy = MediaPolicy.for_tool(
            self.allowed_dirs,
            allow_urls=self.allow_urls,
            ssrf_guard=self.ssrf_guard,
            allow_gcs=self.allow_gcs,
            allow_hardlinks=self.allow_hardlinks,
        )

    @property
    def policy(self) -> MediaPolicy:
        """The trust policy applied to model-chosen media references."""
        assert self._policy is not None
        return self._policy

    def get_llm(self) -> ChatGoogleGenerativeAI:
        """The chat model, built once from the environment when none was given."""
        if self.llm is not None:
            return self.llm
        if self._resolved_llm is None:
            self._resolved_llm = resolve_llm(None)
        return self._resolved_llm

    def cap(self, text: str, *, what: str = "output") -> str:
        """Cap content for the model, saying so when text was cut."""
        if len(text) <= self.max_content_chars:
            return text
        cut = text[: self.max_content_chars].rsplit("\n", 1)[0]
        return (
            f"{cut}\n[{what} truncated: showing {len(cut)} of {len(text)} characters; the full "
            "result is in the tool artifact]"
        )

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a core function; every failure the world can cause becomes a ``ToolException``."""
        try:
            with self._retries():
                return fn(*args, **kwargs)
        except Exception as exc:
            error = self._tool_exception(exc)
            if error is None:
                raise
            raise error from error.__cause__

    async def acall(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Async twin of :meth:`call`."""
        try:
            with self._retries():
                return await fn(*args, **kwargs)
        except Exception as exc:
            error = self._tool_exception(exc)
            if error is None:
                raise
            raise error from error.__cause__

    def _retries(self) -> contextlib.AbstractContextManager[object]:
        if self.retry_policy is None:
            return contextlib.nullcontext()
        return generation_retries(self.retry_policy)

    def _tool_exception(self, exc: Exception) -> ToolException | None:
        """``exc`` as a ``ToolException`` chained to the typed error; None for a bug."""
        # Every call path already maps its failures; this catches one that slipped through.
        mapped = map_error(exc, CallContext(doing=f"run {self.name}"))
        if mapped is None:
            return None
        if mapped is not exc:
            mapped.__cause__ = exc
        error = ToolException(_error_for_model(mapped))
        error.__cause__ = mapped
        return error
