"""``GeminiFileLoader``: any media -> one LangChain ``Document`` per source, via the File API.

Each source is uploaded (or an existing File API file is used), waited for until ACTIVE, and
described by Gemini with a prompt chosen by media kind; the Document's text is that answer, and
its metadata says where the file lives in the File API.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.response import ModelReply, read_reply
from langchain_gemini_vision._core.tracing import RunnableConfig, without_run_id
from langchain_gemini_vision.document_loaders import _files_batch
from langchain_gemini_vision.document_loaders._file_args import check_file_loader_args
from langchain_gemini_vision.errors import MediaAccessError
from langchain_gemini_vision.files._routing import arouted_media, routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import (
    INLINE_LIMIT_BYTES,
    MediaPolicy,
    PreparedMedia,
    file_api_name,
    prepare_media,
)
from langchain_gemini_vision.types import GeminiFile

logger = logging.getLogger(__name__)

DEFAULT_PROMPTS: Mapping[str, str] = {
    "image": (
        "Describe this image faithfully and in detail: the subjects, setting, actions, colours "
        "and layout. Then transcribe every piece of visible text exactly as written (signs, "
        "labels, captions, handwriting). Do not guess at what is not visible."
    ),
    "document": (
        "Transcribe the full text of this document in reading order, preserving headings, "
        "lists and paragraphs. Render tables as Markdown tables and describe figures briefly "
        "in [square brackets]. Do not summarise or omit text."
    ),
    "audio": (
        "Transcribe this audio verbatim. Start each new speaker turn on a new line with a "
        "[MM:SS] timestamp and a speaker label (Speaker 1, Speaker 2, ...). Note important "
        "non-speech sounds in [square brackets]."
    ),
    "video": (
        "Transcribe this video with timestamps. For each segment write a [MM:SS] timestamp, "
        "what is said (verbatim, with a speaker label when there are several speakers) and a "
        "short description of what is shown on screen, including any visible text."
    ),
    "youtube": (
        "Transcribe this video with timestamps. For each segment write a [MM:SS] timestamp, "
        "what is said and a short description of what is shown on screen."
    ),
}
"""Default prompt per media kind: image, document (PDF), audio, video, youtube."""

METADATA_KEYS = (
    "source",
    "kind",
    "mime_type",
    "gemini_file_name",
    "gemini_file_uri",
    "sha256",
    "size_bytes",
    "expiration_time",
    "state",
    "video_duration_s",
    "model",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "truncated",
)
"""Metadata keys a Document may carry; keys whose value is unknown are left out (not None)."""

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class LoadFailure:
    """A source the loader could not turn into a Document (``continue_on_failure=True``).

    Attributes:
        source: The source as given (or as a glob expanded it).
        error: The exception raised.
    """

    source: str
    error: BaseException

    @property
    def message(self) -> str:
        """The error's message."""
        return str(self.error) or type(self.error).__name__


def _is_glob(source: str) -> bool:
    return any(c in source for c in _GLOB_CHARS) and "://" not in source


def expand_sources(sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Expand globs (sorted, files only, ``**`` recursive) and keep everything else as given.

    A glob that matches nothing stays in the list so loading it reports a clear error.

    Args:
        sources: One source or several: paths, globs, URLs or File API names.

    Returns:
        The sources in order, each glob replaced by the files it matches.
    """
    items = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    out: list[str] = []
    for item in items:
        text = os.fspath(item)
        if isinstance(item, str) and _is_glob(text) and not file_api_name(text):
            matches = sorted(
                m for m in glob.glob(os.path.expanduser(text), recursive=True) if os.path.isfile(m)
            )
            out.extend(matches or [text])
        else:
            out.append(text)
    return out


def _to_document(
    text: str,
    *,
    source: str,
    media: PreparedMedia,
    reply: ModelReply | None,
    model: str,
) -> Document:
    """Build the Document for one source (pure): text plus the documented metadata."""
    file: GeminiFile | None = media.gemini_file
    usage = reply.usage if reply is not None else None
    values: dict[str, Any] = {
        "source": source,
        "kind": media.kind or None,
        "mime_type": media.mime_type or (file.mime_type if file else None) or None,
        "gemini_file_name": file.name if file else None,
        "gemini_file_uri": (file.uri if file else None) or None,
        "sha256": file.sha256_hex if file else None,
        "size_bytes": file.size_bytes if file and file.size_bytes is not None else media.size_bytes,
        "expiration_time": (
            file.expiration_time.isoformat() if file and file.expiration_time else None
        ),
        "state": file.state if file else None,
        "video_duration_s": file.video_duration_s if file else None,
        "model": (reply.model if reply is not None and reply.model else model) or None,
        "input_tokens": usage.input_tokens if usage else None,
        "output_tokens": usage.output_tokens if usage else None,
        "total_tokens": usage.total_tokens if usage else None,
        "truncated": reply.truncated if reply is not None else None,
    }
    # Vector stores reject None metadata values, so unknown keys are omitted instead.
    metadata = {k: v for k, v in values.items() if v is not None}
    return Document(page_content=text, metadata=metadata)


class GeminiFileLoader(BaseLoader):
    """Load images, PDFs, audio and video as Documents through the Gemini File API.

    Every source is uploaded (identical content is reused when ``reuse`` is on), waited for until
    ACTIVE, and described by Gemini with a prompt for its kind: images get a faithful description
    plus any visible text, PDFs a text transcription, audio a transcript, videos a transcript with
    visual descriptions. One Document per source, in source order for ``lazy_load`` and in
    completion order for ``alazy_load`` (which processes up to ``max_concurrency`` at once).

    Metadata (see ``METADATA_KEYS``): ``source``, ``kind``, ``mime_type``, ``gemini_file_name``,
    ``gemini_file_uri``, ``sha256``, ``size_bytes``, ``expiration_time`` (ISO 8601), ``state``,
    ``video_duration_s`` (videos), ``model``, ``input_tokens``, ``output_tokens``,
    ``total_tokens``, ``truncated``. With ``delete_after=True`` the files named there are deleted
    once the Document has been handed over. With ``batch=True``: ``source``, ``kind``,
    ``mime_type``, ``size_bytes``, ``model``, token counts, ``batch_job``, ``batch_key`` (the job
    deletes its uploads: no ``gemini_file_*``, ``sha256``, ``expiration_time``, ``state``).

    Args:
        sources: Paths, globs (``"clips/**/*.mp4"``), http(s) or YouTube URLs, or existing File
            API names (``files/...``); one or a list.
        llm: The Gemini chat model; built from the environment when omitted.
        prompt: One prompt for every source (overrides ``prompts``).
        prompts: Prompts per kind, merged over ``DEFAULT_PROMPTS``.
        delete_after: Delete the files this loader uploaded once their Document is produced.
            Existing File API files given as sources are never deleted.
        reuse: Reuse an ACTIVE remote file with the same content instead of uploading again.
        continue_on_failure: False: clean up, then raise the first error. True: log it, record a
            ``LoadFailure`` in ``failures`` and go on with the next source.
        max_concurrency: Sources processed at once by ``alazy_load``.
        timeout: Seconds to wait for each file to become ACTIVE (default scaled to its size).
        poll_policy: Backoff and deadline policy of the waits.
        cache_dir: Folder of the reuse index.
        max_download_bytes: Largest http(s) URL body fetched (downloads are SSRF-guarded).
        manager: A ready ``GeminiFileManager`` (overrides ``llm``/``reuse``/``poll_policy``).
        batch: Images and videos as ONE Batch Mode job (half price); PDFs/audio are refused;
            ``reuse``/``max_concurrency`` are ignored; ``timeout``, ``poll_policy``,
            ``cache_dir``, ``manager`` and ``delete_after=False`` raise ``ConfigurationError``.
        job_path: With ``batch``: the job file; an existing one is resumed, not resubmitted.
        batch_poll: With ``batch``: seconds between job polls, or a ``PollPolicy``.
        config: LangChain ``RunnableConfig`` of the model calls (callbacks, tags, metadata).

    Attributes:
        failures: Sources that failed during the last load (with ``continue_on_failure``).
    """

    def __init__(
        self,
        sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        llm: ChatGoogleGenerativeAI | None = None,
        prompt: str | None = None,
        prompts: Mapping[str, str] | None = None,
        delete_after: bool = True,
        reuse: bool = True,
        continue_on_failure: bool = False,
        max_concurrency: int = 4,
        timeout: float | None = None,
        poll_policy: PollPolicy | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        max_download_bytes: int = INLINE_LIMIT_BYTES,
        manager: GeminiFileManager | None = None,
        batch: bool = False,
        job_path: str | os.PathLike[str] | None = None,
        batch_poll: float | PollPolicy | None = None,
        config: RunnableConfig | None = None,
    ) -> None:
        self.sources = check_file_loader_args(locals())
        _files_batch.check_batch_args(locals())
        self.batch, self.job_path, self.batch_poll = batch, job_path, batch_poll
        self.config = without_run_id(config)  # one config for many runs
        self.llm = manager.llm if manager is not None else resolve_llm(llm)
        self.prompt = prompt
        self.prompts = {**DEFAULT_PROMPTS, **(prompts or {})}
        self.delete_after = delete_after
        self.continue_on_failure = continue_on_failure
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.manager = manager or GeminiFileManager(
            self.llm, reuse=reuse, poll_policy=poll_policy, cache_dir=cache_dir
        )
        self.policy = MediaPolicy(allowed_dirs=None, max_download_bytes=max_download_bytes)
        self.failures: list[LoadFailure] = []

    def __repr__(self) -> str:
        sources = [self.sources] if isinstance(self.sources, (str, os.PathLike)) else self.sources
        shown = [os.fspath(s) for s in sources[:3]] + (["..."] if len(sources) > 3 else [])
        return (
            f"GeminiFileLoader(sources={shown}, model={model_name(self.llm)!r}, "
            f"delete_after={self.delete_after}, reuse={self.manager.reuse}, "
            f"continue_on_failure={self.continue_on_failure}, "
            f"max_concurrency={self.max_concurrency})"
        )

    def prompt_for(self, kind: str) -> str:
        """``prompt`` when one was given for every source, else the prompt for ``kind``.

        An unknown kind gets the document prompt.
        """
        if self.prompt is not None:
            return self.prompt
        return self.prompts.get(kind) or self.prompts["document"]

    def _messages(self, media: PreparedMedia) -> list[HumanMessage]:
        # Media first, then the text prompt (the vision guide's advice).
        text = {"type": "text", "text": self.prompt_for(media.kind)}
        return [HumanMessage(content=[media.to_block(), text])]

    def _prepare(self, source: str) -> PreparedMedia:
        name = file_api_name(source)
        if name is not None:
            return PreparedMedia("", "", source, file_uri=name)
        if _is_glob(source) and not os.path.exists(source):
            raise MediaAccessError(
                f"No file matches {source!r}. Check the pattern (use '**' for subfolders).",
                rule="missing",
            )
        return prepare_media(source, policy=self.policy)

    def _fail(self, source: str, exc: Exception) -> None:
        if not self.continue_on_failure:
            raise exc
        logger.warning("GeminiFileLoader skipped %s: %s", source, exc)
        self.failures.append(LoadFailure(source, exc))

    def _routing(self) -> dict[str, Any]:
        return {
            "manager": self.manager,
            "delete_after": self.delete_after,
            "timeout": self.timeout,
            "upload_inline": True,  # the loader's point is the File API, even for small files
        }

    def _document(self, source: str, media: PreparedMedia, message: BaseMessage) -> Document:
        fallback = model_name(self.llm)
        reply = read_reply(message, fallback_model=fallback)
        return _to_document(reply.text, source=source, media=media, reply=reply, model=fallback)

    def lazy_load(self) -> Iterator[Document]:
        """Yield one Document per source; uploads are deleted once their Document is consumed."""
        self.failures = []
        if self.batch:
            yield from _files_batch.batch_documents(self, expand_sources(self.sources))
            return
        for source in expand_sources(self.sources):
            try:
                prepared = self._prepare(source)
                with routed_media(prepared, **self._routing()) as media:
                    message = self.llm.invoke(self._messages(media), self.config)
                    yield self._document(source, media, message)
            except Exception as exc:
                self._fail(source, exc)

    async def _aload_one(self, source: str) -> Document:
        prepared = await asyncio.to_thread(self._prepare, source)
        async with arouted_media(prepared, **self._routing()) as media:
            message = await self.llm.ainvoke(self._messages(media), self.config)
            return self._document(source, media, message)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Yield Documents as sources finish, processing up to ``max_concurrency`` at once."""
        self.failures = []
        sources = await asyncio.to_thread(expand_sources, self.sources)
        if self.batch:
            outcomes = await _files_batch.abatch_documents(self, sources)
            for batch_doc in _files_batch.handed_over(self, outcomes):
                yield batch_doc
            return
        gate = asyncio.Semaphore(self.max_concurrency)
        done: asyncio.Queue[tuple[str, Document | None, Exception | None]] = asyncio.Queue()

        async def run(source: str) -> None:
            async with gate:
                try:
                    doc = await self._aload_one(source)
                except Exception as exc:
                    done.put_nowait((source, None, exc))
                else:
                    done.put_nowait((source, doc, None))

        tasks = [asyncio.ensure_future(run(source)) for source in sources]
        try:
            for _ in tasks:
                source, doc, error = await done.get()
                if error is not None:
                    self._fail(source, error)
                elif doc is not None:
                    yield doc
        finally:
            # On an error or an early exit, stop the rest; their cleanup (deletes) runs on cancel.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
