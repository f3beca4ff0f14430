"""``FakeGeminiServer``: a faithful local Gemini API (v1beta) for tests, demos and benchmarks.

The server speaks the wire format of the live API (see GEMINI-FACTS): resumable uploads, the File
API state machine, generateContent / streamGenerateContent with the real validation and error
bodies, plus scripting (rules), fault injection and a request log.

This module holds the public class: configuration, the request log and the dispatch of each HTTP
request (drops, faults, authentication, routing). The rest of its public API comes from mixins:
``_serving`` (lifecycle, URL, clients), ``_scripting`` (rules, faults, drops), ``_file_api`` (file
helpers and File API endpoints) and ``_generate_api`` (model endpoints).

Example:
    >>> with FakeGeminiServer(processing_polls=1) as server:          # doctest: +SKIP
    ...     server.add_rule(prompt_contains="caption", text="A cat on a mat.")
    ...     llm = server.llm()
    ...     llm.invoke("caption this").content
    'A cat on a mat.'
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from langchain_gemini_vision._core.clock import utc_now
from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._batches import BatchApiMixin
from langchain_gemini_vision.testing._caches import CacheApiMixin
from langchain_gemini_vision.testing._faults import Drop, Fault
from langchain_gemini_vision.testing._file_api import FileApiMixin
from langchain_gemini_vision.testing._files import FileRecord, FileStore, UploadSession
from langchain_gemini_vision.testing._generate import parse_request
from langchain_gemini_vision.testing._generate_api import GENERATE_METHODS, GenerateApiMixin
from langchain_gemini_vision.testing._http import Handler, HTTPServer, Response
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

logger = logging.getLogger("langchain_gemini_vision.testing")

_VERSION = r"(?P<version>v1beta|v1alpha|v1)"
_UPLOAD_RE = re.compile(rf"^/upload/{_VERSION}/files$")
_FILES_RE = re.compile(rf"^/{_VERSION}/files$")
_FILE_RE = re.compile(rf"^/{_VERSION}/files/(?P<id>[^/:]+)$")
_MODEL_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+)$")
_MODEL_METHOD_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+):(?P<method>[A-Za-z]+)$")
#: The live API refuses request bodies above 20 MiB (inline media must use the File API).
MAX_REQUEST_BYTES = 20 * 1024 * 1024


@dataclass
class RecordedRequest:
    """One request as the server saw it (the API key is redacted).

    Attributes:
        method: HTTP method.
        path: URL path without the query.
        query: Query parameters (first value of each; ``key`` redacted).
        headers: Request headers with lowercased names; ``x-goog-api-key`` is ``"REDACTED"``.
        json: Parsed JSON body, or None (upload chunks, empty or non-JSON bodies).
        body_size: Body size in bytes.
        time: ``time.monotonic()`` at arrival.
        status: HTTP status answered (None: not answered yet, or the connection was dropped).
        response_headers: Headers answered (lowercased names).
        response_json: The JSON answered (for SSE: the list of event payloads), or None.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    body_size: int
    time: float
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_json: Any = None


class FakeGeminiServer(
    ServingMixin, ScriptingMixin, FileApiMixin, GenerateApiMixin, BatchApiMixin, CacheApiMixin
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

    # ================================================================== request handling

    def _handle(self, handler: Handler, method: str) -> None:
        """Entry point of every request (runs on the connection's thread)."""
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        entry = RecordedRequest(
            method=method,
            path=path,
            query={k: ("REDACTED" if k == "key" else v) for k, v in query.items()},
            headers={k: ("REDACTED" if k == "x-goog-api-key" else v) for k, v in headers.items()},
            json=None,
            body_size=0,
            time=time.monotonic(),
        )
        with self._lock:
            self._log.append(entry)
            drops = list(self._drops)
            faults = list(self._faults)
        target = handler.path
        is_chunk = bool(_UPLOAD_RE.match(path)) and "upload_id" in query
        try:
            if any(drop.claim(method, target) for drop in drops):
                entry.body_size = handler.discard_body()
                handler.drop()
                return
            if self.latency_s > 0:
                time.sleep(self.latency_s)
            try:
                fault = next((f for f in faults if f.claim(method, target)), None)
                if fault is not None:
                    entry.body_size = handler.discard_body()
                    raise fault.error(self._model_in(path))
                if is_chunk:
                    response = self._upload_chunk(handler, query, headers, entry)
                else:
                    response = self._api_call(handler, method, path, query, headers, entry)
            except _wire.ApiError as err:
                extra = {"x-goog-upload-status": "final"} if is_chunk else {}
                response = Response.of_json(err.body, err.status, {**extra, **err.headers})
            except ConnectionError:
                handler.close_connection = True
                return
            except Exception as err:  # a bug in a rule handler or in the fake itself
                logger.exception("FakeGeminiServer failed to answer %s %s", method, path)
                # The body may be partly unread, so this connection's framing is unreliable.
                handler.close_connection = True
                with self._lock:
                    self.handler_errors.append(err)
                response = Response.of_json(_wire.error_body(500), 500)
            entry.status = response.status
            entry.response_headers = {k.lower(): v for k, v in response.headers.items()}
            entry.response_json = response.json
            handler.send(response)
        except OSError:
            # The client went away mid-answer; nothing to tell it.
            handler.close_connection = True

    def _model_in(self, path: str) -> str:
        match = _MODEL_METHOD_RE.match(path) or _MODEL_RE.match(path)
        return match["model"] if match else (self.model_version or "gemini-3.5-flash")

    def _check_auth(self, headers: dict[str, str], query: dict[str, str]) -> None:
        key = headers.get("x-goog-api-key") or query.get("key")
        if not key:
            raise _wire.api_key_missing()
        if key != self.api_key:
            raise _wire.api_key_invalid()

    def _api_call(
        self,
        handler: Handler,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        entry: RecordedRequest,
    ) -> Response:
        declared = int(headers.get("content-length") or 0)
        if declared > self.max_request_bytes and not _UPLOAD_RE.match(path):
            entry.body_size = handler.discard_body()
            raise _wire.invalid_argument(
                f"Request payload size exceeds the limit: {self.max_request_bytes} bytes."
            )
        raw = handler.read_body()
        entry.body_size = len(raw)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
                if method in ("POST", "PATCH", "PUT"):
                    self._check_auth(headers, query)
                    raise _wire.invalid_argument(
                        "Invalid JSON payload received. Unexpected token."
                    ) from None
            entry.json = body
        self._check_auth(headers, query)
        return self._route(method, path, query, headers, body)

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
    ) -> Response:
        scaled = self._route_batches(method, path, body, query)
        if scaled is None:
            scaled = self._route_caches(method, path, body, query)
        if scaled is not None:
            return scaled
        match = (
            _UPLOAD_RE.match(path)
            or _FILES_RE.match(path)
            or _FILE_RE.match(path)
            or _MODEL_METHOD_RE.match(path)
            or _MODEL_RE.match(path)
        )
        if match is None:
            raise _wire.ApiError(404, f"Method not found: {method} {path}")
        version = match["version"]
        if version not in self.api_versions:
            raise _wire.ApiError(
                404,
                f"FakeGeminiServer serves API versions {list(self.api_versions)}, not "
                f"{version!r}: set api_version='v1beta'.",
            )
        regex = match.re
        if regex is _UPLOAD_RE and method == "POST":
            return self._upload_start(body, headers, self.url)
        if regex is _FILES_RE and method == "GET":
            return self._list_files(query)
        if regex is _FILE_RE and method == "GET":
            return self._get_file(match["id"])
        if regex is _FILE_RE and method == "DELETE":
            return self._delete_file(match["id"])
        if regex is _MODEL_METHOD_RE and method == "POST":
            return self._model_method(match["model"], version, match["method"], body, query)
        if regex is _MODEL_RE and method == "GET":
            return Response.of_json(self._model_resource(match["model"], version))
        raise _wire.ApiError(404, f"Method not found: {method} {path}")
