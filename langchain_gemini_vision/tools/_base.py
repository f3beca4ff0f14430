"""Shared base of the Gemini vision tools: developer configuration and error mapping.

Everything the *developer* decides (model, allowed folders, output folder, limits) lives here as a
constructor field; a tool's ``args_schema`` holds only what the *model* may choose.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

from langchain_core.tools import BaseTool, ToolException
from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import ConfigDict, Field, PrivateAttr

from .._arg_checks import check_settings
from .._client import model_name, resolve_llm
from .._media import MediaPolicy
from .._validate import CONSTRUCTION, as_construction, check_llm
from ..errors import (
    ConfigurationError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    MediaAccessError,
)

T = TypeVar("T")


def _error_for_model(exc: GeminiVisionError) -> str:
    """One line the calling model can act on (never a repr or a traceback)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, FileProcessingTimeout):
        return f"{text} Try a shorter clip or ask again later."
    if isinstance(exc, FileProcessingError):
        return f"{text} The file cannot be used; try another file."
    if isinstance(exc, MediaAccessError):
        return f"{text}"
    if isinstance(exc, ConfigurationError):
        return f"The vision tool is not configured: {text}"
    return text


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
        max_content_chars: Cap on the text returned to the model (the artifact is never capped).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: ChatGoogleGenerativeAI | None = Field(default=None, exclude=True)
    allowed_dirs: list[Path] | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    allow_gcs: bool = False
    max_content_chars: int = 8000
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = True
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
        """Run a core function, turning our errors into ``ToolException`` with a next step."""
        try:
            return fn(*args, **kwargs)
        except GeminiVisionError as exc:
            raise ToolException(_error_for_model(exc)) from exc

    async def acall(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Async twin of :meth:`call`."""
        try:
            return await fn(*args, **kwargs)
        except GeminiVisionError as exc:
            raise ToolException(_error_for_model(exc)) from exc
        except asyncio.CancelledError:
            raise
