"""``VideoSession``: upload a long video once, cache it, and ask it any number of questions.

Context caching (GEMINI-FACTS, "Context caching") bills the video's tokens once at the cached
rate instead of on every question. The session uploads the video, creates a cached content
holding it, and sends each question through ``ChatGoogleGenerativeAI`` with ``cached_content``
(so LangChain callbacks, tracing and the rate limiter apply). A video under the model's minimum
cache size is refused by the API with the minimum in the message: the session records it and
falls back to plain requests on the same upload (built like ``analyze_video``'s). Closing the
session deletes the cache and the upload it made.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from types import TracebackType
from typing import Any

from google.genai import types as genai_types
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import genai_client, model_name, resolve_llm
from langchain_gemini_vision._core.error_mapping import CallContext, map_error, redact
from langchain_gemini_vision._core.polling import error_status
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config
from langchain_gemini_vision._core.validate import (
    as_construction,
    check_bool,
    check_llm,
    check_number,
    check_text,
)
from langchain_gemini_vision.errors import GeminiVisionError
from langchain_gemini_vision.files._routing import routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._arg_checks import check_manager, check_media
from langchain_gemini_vision.media._prepare import MediaInput, PreparedMedia
from langchain_gemini_vision.types import CaptionResult, TokenUsage
from langchain_gemini_vision.usage import UsageReport
from langchain_gemini_vision.video._options import make_clip_options
from langchain_gemini_vision.video._source import VideoSource, prepare_video
from langchain_gemini_vision.video.qa import (
    QuestionRequest,
    build_question_request,
    check_question,
    finish_answer,
)

DEFAULT_TTL_S = 3600.0
_TOO_SMALL = re.compile(r"too small.*?min_total_token_count=(\d+)", re.IGNORECASE | re.DOTALL)


def _cache_error(exc: BaseException, action: str) -> GeminiVisionError:
    context = CallContext(doing=action, service="Gemini context caching")
    return map_error(exc, context) or GeminiVisionError(
        f"Could not {action}: {type(exc).__name__}: {redact(str(exc))}",
        what_to_do="The video session still works without a cache if you pass cache=False.",
    )


class VideoSession:
    """Ask many questions about one video with one upload and (when large enough) one cache.

    Args:
        video: Path, bytes, URL or ``files/...`` name of the video.
        llm: The Gemini chat model; built from the environment when omitted.
        manager: ``GeminiFileManager`` for the upload (default: no content reuse, so the
            upload is owned by the session and deleted on close).
        ttl_s: Lifetime of the cache in seconds (``extend`` renews it).
        cache: Set False to never create a cache (plain requests on the same upload).
        display_name: Display name of the cache.

    Attributes:
        cache_name: ``cachedContents/...`` while a cache is in use, else None.
        cached_tokens: Tokens held in the cache (billed at the cached rate per question).
        min_cache_tokens: The model's minimum cache size, when the API refused a cache.
        usage: Token usage summed over the questions asked.
        report: The same usage in a ``UsageReport`` (per model).

    Example:
        >>> with VideoSession("lecture.mp4", llm=llm) as session:        # doctest: +SKIP
        ...     answers = [session.ask(q) for q in questions]
        ...     print(session.report.to_text())
    """

    def __init__(
        self,
        video: MediaInput,
        *,
        llm: ChatGoogleGenerativeAI | None = None,
        manager: GeminiFileManager | None = None,
        ttl_s: float = DEFAULT_TTL_S,
        cache: bool = True,
        display_name: str | None = None,
    ) -> None:
        with as_construction("VideoSession"):
            check_media(video, "video")
            check_llm(llm)
            check_manager(manager)
            check_number(ttl_s, "ttl_s", low=0, low_open=True, unit="seconds")
            check_bool(cache, "cache")
            check_text(display_name, "display_name")
        self.llm = resolve_llm(llm)
        self.manager = manager or GeminiFileManager(self.llm, reuse=False)
        self.ttl_s = ttl_s
        self.use_cache = cache
        self.display_name = display_name or "langchain-gemini-vision video session"
        self.cache_name: str | None = None
        self.cached_tokens = 0
        self.min_cache_tokens: int | None = None
        self.usage = TokenUsage()
        self.report = UsageReport()
        self._video = video
        self._media: PreparedMedia | None = None
        self._source: VideoSource | None = None
        self._owned_upload: str | None = None
        self._stack = contextlib.ExitStack()

    @property
    def model(self) -> str:
        """The model name the questions go to."""
        return model_name(self.llm)

    def open(self) -> VideoSession:
        """Upload the video (waiting until ACTIVE) and create the cache when it is big enough."""
        if self._media is not None:
            return self
        prepared = prepare_video(self._video)
        ready = self._stack.enter_context(
            routed_media(prepared, manager=self.manager, delete_after=False, upload_inline=True)
        )
        if prepared.file_uri is None and ready.gemini_file is not None:
            self._owned_upload = ready.gemini_file.name
        self._media = ready
        duration = ready.gemini_file.video_duration_s if ready.gemini_file else None
        self._source = VideoSource(ready, prepared.source, duration)
        if self.use_cache:
            self._create_cache(ready)
        return self

    def _create_cache(self, media: PreparedMedia) -> None:
        part = genai_types.Part.from_uri(file_uri=str(media.file_uri), mime_type=media.mime_type)
        config = genai_types.CreateCachedContentConfig(
            contents=[genai_types.Content(role="user", parts=[part])],
            ttl=f"{self.ttl_s:g}s",
            display_name=self.display_name,
        )
        try:
            cache = genai_client(self.llm).caches.create(model=self.model, config=config)
        except Exception as exc:
            found = _TOO_SMALL.search(str(getattr(exc, "message", "") or exc))
            if error_status(exc) == 400 and found:
                self.min_cache_tokens = int(found.group(1))  # below the minimum: plain requests
                return
            raise _cache_error(exc, "create the context cache") from exc
        self.cache_name = cache.name
        meta = cache.usage_metadata
        self.cached_tokens = int(meta.total_token_count or 0) if meta else 0

    def _request(self, question: str) -> tuple[list[BaseMessage], dict[str, Any], QuestionRequest]:
        text = check_question(question)
        if self.cache_name is not None:
            asked = QuestionRequest([HumanMessage(content=text)], [])
            return asked.messages, {"cached_content": self.cache_name}, asked
        if self._source is None:
            raise GeminiVisionError("The video session is not open: use `with VideoSession(...)`.")
        asked = build_question_request(self._source, text, make_clip_options())
        return asked.messages, {}, asked

    def _finish(self, message: BaseMessage, asked: QuestionRequest) -> CaptionResult:
        answer = finish_answer(message, asked, fallback_model=self.model)
        self.usage = self.usage + answer.usage
        self.report.add(answer.usage, model=answer.model or self.model)
        return answer

    def ask(self, question: str, *, config: RunnableConfig | None = None) -> CaptionResult:
        """Answer ``question`` about the video (through the cache when there is one).

        Args:
            question: The question, sent as written; refer to moments as MM:SS.
            config: LangChain ``RunnableConfig`` for the model call (callbacks, tags,
                metadata); default the config in LangChain's context.

        Raises:
            InvalidRequestError: Empty question.
            ResponseBlockedError: The answer was blocked.
        """
        check_config(config)
        self.open()
        messages, kwargs, asked = self._request(question)
        return self._finish(self.llm.invoke(messages, config, **kwargs), asked)

    async def aask(self, question: str, *, config: RunnableConfig | None = None) -> CaptionResult:
        """Async twin of :meth:`ask`."""
        check_config(config)
        if self._media is None:
            await asyncio.to_thread(self.open)
        messages, kwargs, asked = self._request(question)
        return self._finish(await self.llm.ainvoke(messages, config, **kwargs), asked)

    def extend(self, ttl_s: float) -> None:
        """Keep the cache for ``ttl_s`` more seconds from now (no-op without a cache)."""
        check_number(ttl_s, "ttl_s", low=0, low_open=True, unit="seconds")
        if self.cache_name is None:
            return
        config = genai_types.UpdateCachedContentConfig(ttl=f"{ttl_s:g}s")
        try:
            genai_client(self.llm).caches.update(name=self.cache_name, config=config)
        except Exception as exc:
            raise _cache_error(exc, f"extend {self.cache_name}") from exc

    def close(self) -> None:
        """Delete the cache and the upload this session made (idempotent)."""
        name, self.cache_name = self.cache_name, None
        if name is not None:
            with contextlib.suppress(Exception):  # an expired cache is already gone
                genai_client(self.llm).caches.delete(name=name)
        upload, self._owned_upload = self._owned_upload, None
        if upload is not None:
            self.manager.delete(upload, missing_ok=True)
        self._stack.close()
        self._media = None

    def __enter__(self) -> VideoSession:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> VideoSession:
        await asyncio.to_thread(self.open)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.close)
