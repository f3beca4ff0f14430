"""``FakeGeminiServer``: a faithful local Gemini API (v1beta) for tests, demos and benchmarks.

The server speaks the wire format of the live API (see GEMINI-FACTS): resumable uploads, the File
API state machine, generateContent / streamGenerateContent with the real validation and error
bodies, plus scripting (rules), fault injection and a request log.

This module holds the public class: configuration and the request log. The rest comes from
mixins: ``_serving`` (lifecycle, URL, clients), ``_dispatch`` (each HTTP request: drops, faults,
authentication, routing; also ``RecordedRequest``), ``_scripting`` (rules, faults, drops),
``_file_api`` (file helpers and File API endpoints), ``_generate_api`` (model endpoints),
``_batches`` and ``_caches``.

Example:
    >>> with FakeGeminiServer(processing_polls=1) as server:          # doctest: +SKIP
    ...     server.add_rule(prompt_contains="caption", text="A cat on a mat.")
    ...     llm = server.llm()
    ...     llm.invoke("caption this").content
    'A cat on a mat.'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from langchain_gemini_vision._core.clock import utc_now
from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._batches import BatchApiMixin
from langchain_gemini_vision.testing._caches import CacheApiMixin
from langchain_gemini_vision.testing._dispatch import (
    _MODEL_METHOD_RE,
    DispatchMixin,
    RecordedRequest,
)
from langchain_gemini_vision.testing._faults import Drop, Fault
from langchain_gemini_vision.testing._file_api import FileApiMixin
from langchain_gemini_vision.testing._files import FileRecord, FileStore, UploadSession
from langchain_gemini_vision.testing._generate import parse_request
from langchain_gemini_vision.testing._generate_api import GENERATE_METHODS, GenerateApiMixin
from langchain_gemini_vision.testing._http import HTTPServer
from langchain_gemini_vision.testing._rules import GenerateRequest, Reply, Rule
from langchain_gemini_vision.testing._scripting import ScriptingMixin
from langchain_gemini_vision.testing._serving import ServingMixin

# FileRecord, UploadSession and Reply appear in FakeGeminiServer's API and were importable from
# here before the File API and generateContent code moved out; they still are.
__all__ = [
    "MAX_REQUEST_BYTES",
    "FakeGeminiServer",
    "FileRecord",
    "RecordedRequest",
    "Reply",
    "UploadSession",
]

#: The live API refuses request bodies above 20 MiB (inline media must use the File API).
MAX_REQUEST_BYTES = 20 * 1024 * 1024


class FakeGeminiServer(
    ServingMixin,
    DispatchMixin,
    ScriptingMixin,
    FileApiMixin,
    GenerateApiMixin,
    BatchApiMixin,
    CacheApiMixin,
):
    """A local, threaded Gemini API on ``127.0.0.1`` with a random port.

    Args:
        processing_polls: Videos answer PROCESSING to this many ``files.get`` calls.
        processing_seconds: Videos stay PROCESSING at least this long (measured with ``now``).
            When both are set, both must pass. With neither, a video is PROCESSING in the
            finalize answer (like the live API) and ACTIVE from the next request on.
        video_duration_s: ``videoMetadata.videoDuration`` of uploaded videos; None estimates
            it from the size (about 2 Mbit/s).
        fail_processing: When set, processing ends in FAILED with this ``error.message``.
        latency_s: Delay before answering every request (threads keep requests concurrent).
        uplink_bytes_per_s: When set, request bodies are read no faster than this, standing in
            for the client's upload bandwidth (loopback has none to speak of).
        api_key: The only key accepted in ``x-goog-api-key`` (or ``?key=``).
        model_version: ``modelVersion`` in answers; None echoes the requested model. Also the
            default model of ``llm()``.
        keep_bytes_up_to: How many leading bytes of each upload to keep (``FileRecord.head``),
            e.g. for image sizes in token accounting. The rest is only hashed and counted.
        processing_mime_prefixes: MIME prefixes that go through PROCESSING (videos by default).

    Attributes:
        api_key: The accepted key.
        files: ``{"files/<id>": FileRecord}``; includes expired and foreign records.
        unknown_models: Model names answered with the live API's 404.
        missing_file_status: 403 (default, what the live API answers for an unknown file id)
            or 404.
        youtube_duration_s: Assumed length of YouTube videos in token accounting.
        api_versions: API versions served; others get a 404 (the package must use v1beta).
        max_request_bytes: Larger non-upload bodies get the live API's 400.
        now: Clock (returns an aware UTC datetime); replace it to test expiry and processing.
        upload_bytes_received: Upload chunk bytes received so far.
        handler_errors: Exceptions raised by rule handlers (answered as 500 INTERNAL).
    """

    def __init__(
        self,
        *,
        processing_polls: int = 0,
        processing_seconds: float = 0.0,
        video_duration_s: float | None = None,
        fail_processing: str | None = None,
        latency_s: float = 0.0,
        uplink_bytes_per_s: float | None = None,
        api_key: str = "fake-key",
        model_version: str | None = "gemini-3.5-flash",
        keep_bytes_up_to: int = 64 * 1024,
        processing_mime_prefixes: tuple[str, ...] = ("video/",),
    ) -> None:
        self.processing_polls = processing_polls
        self.processing_seconds = processing_seconds
        self.video_duration_s = video_duration_s
        self.fail_processing = fail_processing
        self.latency_s = latency_s
        self.uplink_bytes_per_s = uplink_bytes_per_s
        self.api_key = api_key
        self.model_version = model_version
        self.keep_bytes_up_to = keep_bytes_up_to
        self.processing_mime_prefixes = processing_mime_prefixes
        self.unknown_models: set[str] = set()
        self.missing_file_status = 403
        self.youtube_duration_s = 60.0
        self.api_versions: tuple[str, ...] = ("v1beta",)
        self.max_request_bytes = MAX_REQUEST_BYTES
        self.now: Callable[[], datetime] = utc_now
        self.upload_bytes_received = 0
        self.handler_errors: list[BaseException] = []
        self._lock = threading.RLock()
        self._store = FileStore(self, self._lock)
        self._log: list[RecordedRequest] = []
        self._rules: list[Rule] = []
        self._faults: list[Fault] = []
        self._drops: list[Drop] = []
        self._httpd: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Clients and models made by client()/llm(): a genai.Client closes its connection pool
        # when garbage-collected, so `server.client().files.upload(...)` would fail mid-call.
        self._owned: list[Any] = []

    # ================================================================== log

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def generate_requests(self) -> list[GenerateRequest]:
        """Parsed generateContent / streamGenerateContent requests from the log, oldest first.

        Requests whose body did not parse (answered 400) are skipped.
        """
        out: list[GenerateRequest] = []
        for entry in self.requests:
            match = _MODEL_METHOD_RE.match(entry.path)
            if not match or match["method"] not in GENERATE_METHODS or entry.json is None:
                continue
            try:
                out.append(
                    parse_request(
                        entry.json,
                        model=match["model"],
                        stream=match["method"] == "streamGenerateContent",
                        resolve_file=self._store.peek,
                        youtube_duration_s=self.youtube_duration_s,
                        check_state=False,
                    )
                )
            except _wire.ApiError:
                continue
        return out

    def clear_log(self) -> None:
        """Forget logged requests and reset ``upload_bytes_received``."""
        with self._lock:
            self._log.clear()
            self.upload_bytes_received = 0

    def reset(self) -> None:
        """Forget files, uploads, rules, faults, batch jobs, caches and the log (settings kept)."""
        with self._lock:
            self.clear_files()
            self._rules.clear()
            self.batches.clear()
            self.clear_batch_faults()
            self.cached_contents.clear()
            self.clear_faults()
            self.clear_log()
            self.handler_errors.clear()
