"""``FakeGeminiServer``: a faithful local Gemini API (v1beta) for tests, demos and benchmarks.

The server speaks the wire format of the live API (see GEMINI-FACTS): resumable uploads, the File
API state machine, generateContent / streamGenerateContent with the real validation and error
bodies, plus scripting (rules), fault injection and a request log.

Example:
    >>> with FakeGeminiServer(processing_polls=1) as server:          # doctest: +SKIP
    ...     server.add_rule(prompt_contains="caption", text="A cat on a mat.")
    ...     llm = server.llm()
    ...     llm.invoke("caption this").content
    'A cat on a mat.'
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import _wire
from ._faults import Drop, Fault
from ._files import FileRecord, FileStore, UploadSession
from ._generate import parse_request, prompt_tokens, text_tokens
from ._http import Handler, HTTPServer, Response
from ._rules import _UNSET, GenerateRequest, Reply, Rule, default_reply

if TYPE_CHECKING:
    from google import genai
    from langchain_google_genai import ChatGoogleGenerativeAI

logger = logging.getLogger("langchain_gemini_vision.testing")

_VERSION = r"(?P<version>v1beta|v1alpha|v1)"
_UPLOAD_RE = re.compile(rf"^/upload/{_VERSION}/files$")
_FILES_RE = re.compile(rf"^/{_VERSION}/files$")
_FILE_RE = re.compile(rf"^/{_VERSION}/files/(?P<id>[^/:]+)$")
_MODEL_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+)$")
_MODEL_METHOD_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+):(?P<method>[A-Za-z]+)$")
_GENERATE_METHODS = {"generateContent", "streamGenerateContent"}
_MODEL_PREFIXES = ("gemini-", "gemma-")
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


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class FakeGeminiServer:
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
        self.now: Callable[[], datetime] = _utcnow
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

    # ================================================================== lifecycle

    def start(self) -> FakeGeminiServer:
        """Bind a random port on 127.0.0.1 and serve in a daemon thread (no-op if running)."""
        if self._httpd is None:
            self._httpd = HTTPServer(self)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"FakeGeminiServer:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close open connections (idempotent)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        owned, self._owned = self._owned, []
        for obj in owned:
            closer = getattr(obj, "close", None)
            if callable(closer):
                with contextlib.suppress(Exception):
                    closer()

    def __enter__(self) -> FakeGeminiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeGeminiServer:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # shutdown() waits for the serve loop; keep the event loop free meanwhile.
        await asyncio.to_thread(self.stop)

    @property
    def port(self) -> int:
        """The bound port (the server must be started)."""
        if self._httpd is None:
            raise RuntimeError("FakeGeminiServer is not running: call start() or use `with`.")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (the server must be started)."""
        return f"http://127.0.0.1:{self.port}"

    # ================================================================== clients

    def llm(self, **kwargs: Any) -> ChatGoogleGenerativeAI:
        """A ``ChatGoogleGenerativeAI`` pointed at this server (v1beta, this key).

        The server keeps a reference until ``stop()``, so ``server.llm().client`` stays usable.

        Args:
            **kwargs: Passed to ``build_llm`` / ``ChatGoogleGenerativeAI``. Defaults:
                ``model=model_version`` (or gemini-3.5-flash), ``max_retries=2`` (one retry),
                ``timeout=30``.
        """
        from .._client import DEFAULT_MODEL, build_llm

        model = kwargs.pop("model", None) or self.model_version or DEFAULT_MODEL
        kwargs.setdefault("max_retries", 2)
        kwargs.setdefault("timeout", 30)
        llm = build_llm(model=model, api_key=self.api_key, base_url=self.url, **kwargs)
        with self._lock:
            self._owned.append(llm)
        return llm

    def client(self, **http_options: Any) -> genai.Client:
        """A raw ``google.genai.Client`` for this server (v1beta).

        The server keeps a reference and closes the client at ``stop()`` (a ``genai.Client``
        closes itself when garbage-collected, which would break ``server.client().files...``).

        Args:
            **http_options: Extra ``google.genai.types.HttpOptions`` fields (e.g. ``timeout``,
                ``retry_options``).
        """
        from google import genai
        from google.genai import types

        options = types.HttpOptions(base_url=self.url, api_version="v1beta", **http_options)
        client = genai.Client(api_key=self.api_key, http_options=options)
        with self._lock:
            self._owned.append(client)
        return client

    # ================================================================== scripting

    def add_rule(
        self,
        *,
        text: str | None = None,
        json: Any | None = None,
        when: Callable[[GenerateRequest], bool] | None = None,
        prompt_contains: str | None = None,
        has_media: str | None = None,
        has_schema: bool | None = None,
        model: str | None = None,
        finish_reason: str = "STOP",
        times: int | None = None,
        handler: Callable[[GenerateRequest], Any] | None = None,
        block_reason: str | None = None,
        usage: dict[str, Any] | None = None,
        latency_s: float = 0.0,
    ) -> Rule:
        """Script an answer for matching generateContent requests.

        Rules are tried **most recently added first**; the first whose conditions all hold
        answers (so a test can override a fixture's catch-all). A rule with ``times`` stops
        matching after that many answers. Without any matching rule the server answers a
        short sentence, or a minimal JSON instance of the requested response schema.

        Args:
            text: Answer text.
            json: A value answered as its JSON text (``json.dumps``); wins over ``text``.
                (None means unset: script JSON ``null`` with ``text="null"``.)
            when: Custom predicate on the parsed request.
            prompt_contains: Case-insensitive substring of the request's text parts.
            has_media: A MIME prefix (``"image/"``, ``"video/"``) or ``"youtube"`` that some
                media part must match.
            has_schema: Require (True) or forbid (False) a response schema.
            model: Only for this model name.
            finish_reason: ``finishReason`` (``MAX_TOKENS``, ``SAFETY``...). With a non-STOP
                reason and no text, the candidate has no content.
            times: Answer at most this many times.
            handler: Computes the answer: return text, any JSON value, or a ``Reply``
                (which may also carry an HTTP error). Exceptions become 500 INTERNAL and are
                kept in ``handler_errors``.
            block_reason: Block the prompt: ``promptFeedback.blockReason`` and no candidates.
            usage: Overrides merged into ``usageMetadata`` (e.g. ``{"thoughtsTokenCount": 7}``).
            latency_s: Extra delay for this rule's answers (other requests proceed meanwhile).

        Returns:
            The rule; its ``calls`` counts the answers it gave.
        """
        rule = Rule(
            text=text,
            json_value=_UNSET if json is None else json,
            when=when,
            prompt_contains=prompt_contains,
            has_media=has_media,
            has_schema=has_schema,
            model=model,
            finish_reason=finish_reason,
            times=times,
            handler=handler,
            block_reason=block_reason,
            usage=usage,
            latency_s=latency_s,
        )
        with self._lock:
            self._rules.insert(0, rule)
        return rule

    def clear_rules(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def inject_fault(
        self,
        status: int,
        *,
        times: int = 1,
        path_contains: str | None = None,
        method: str | None = None,
        retry_delay_s: float | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer the next matching request(s) with an HTTP error, as the live API words it.

        429 carries QuotaFailure, Help and RetryInfo details and "Please retry in Xs."
        (``retry_delay_s``, default 1 s); 500 INTERNAL and 503 UNAVAILABLE ("The model is
        overloaded...") carry no details. Faults apply before authentication and routing, to
        any path, upload chunks included (those answers carry ``x-goog-upload-status: final``
        so the SDK fails fast instead of re-sending the chunk).

        Args:
            status: HTTP status (400, 403, 404, 429, 500, 503, 504...).
            times: How many requests to fail.
            path_contains: Only requests whose path (with query) contains this, e.g.
                ``":generateContent"``, ``"/files"``, ``"upload_id="``.
            method: Only this HTTP method.
            retry_delay_s: RetryInfo delay for 429.
            message: Replace the default message.

        Returns:
            The fault; ``used`` counts the requests it failed.
        """
        fault = Fault(
            times=times,
            path_contains=path_contains,
            method=method,
            status=status,
            retry_delay_s=retry_delay_s,
            message=message,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def drop_connections(
        self, times: int = 1, path_contains: str | None = None, method: str | None = None
    ) -> Drop:
        """Close the connection of the next matching request(s) without answering.

        The body is read first, so clients see "server disconnected" rather than a write error.
        """
        drop = Drop(times=times, path_contains=path_contains, method=method)
        with self._lock:
            self._drops.append(drop)
        return drop

    def clear_faults(self) -> None:
        """Remove pending faults and drops."""
        with self._lock:
            self._faults.clear()
            self._drops.clear()

    # ================================================================== files

    @property
    def files(self) -> dict[str, FileRecord]:
        """The stored files by name (live records; use the methods below to change them)."""
        return self._store.records

    @property
    def upload_sessions(self) -> dict[str, UploadSession]:
        """Open resumable uploads by token (``chunk_offsets`` shows the offsets received)."""
        return self._store.sessions

    def add_file(
        self,
        *,
        name: str | None = None,
        display_name: str | None = None,
        mime_type: str = "image/png",
        data: bytes | None = None,
        size_bytes: int | None = None,
        sha256: str | None = None,
        state: str = "ACTIVE",
        create_time: datetime | None = None,
        expiration_time: datetime | None = None,
        video_duration_s: float | None = None,
        error_message: str | None = None,
    ) -> FileRecord:
        """Pre-seed a file, as if uploaded earlier (for reuse, expiry and state tests).

        Args:
            name: ``files/<id>`` or ``<id>``; random when None.
            display_name: Optional display name.
            mime_type: MIME type.
            data: Content; gives size, hash and ``head`` unless those are given.
            size_bytes: Size (default ``len(data)`` or 0).
            sha256: Lowercase hex SHA-256 (default: of ``data``).
            state: Initial state (``ACTIVE``, ``PROCESSING`` (stays so until
                ``set_file_state``), ``FAILED``).
            create_time: Creation time (default ``now()``).
            expiration_time: Default ``create_time + 48 h``.
            video_duration_s: Reported video duration.
            error_message: ``error.message`` for FAILED.
        """
        content = data or b""
        return self._store.add(
            name=name,
            display_name=display_name,
            mime_type=mime_type,
            size_bytes=size_bytes if size_bytes is not None else len(content),
            sha256_hex=sha256 or hashlib.sha256(content).hexdigest(),
            head=content[: self.keep_bytes_up_to],
            state=state,
            create_time=create_time,
            expiration_time=expiration_time,
            video_duration_s=video_duration_s,
            error_message=error_message,
        )

    def set_file_state(
        self,
        name: str,
        state: str,
        *,
        error_message: str | None = None,
        then: str | None = None,
        polls: int = 0,
        seconds: float = 0.0,
    ) -> FileRecord:
        """Force a file's state (cancels pending processing).

        Args:
            name: ``files/<id>`` or ``<id>``.
            state: New state (``PROCESSING``, ``ACTIVE``, ``FAILED``, ``STATE_UNSPECIFIED``).
            error_message: ``error.message`` for FAILED (or for ``then="FAILED"``).
            then: With ``state="PROCESSING"``, the state reached after ``polls`` GETs and
                ``seconds`` (both zero: at the next request).
            polls: See ``then``.
            seconds: See ``then``.
        """
        with self._lock:
            record = self._record(name)
            record.final_state = record.final_error = None
            record.polls_remaining = None
            record.ready_at = None
            if then is not None:
                self._store.schedule(
                    record, then=then, polls=polls, seconds=seconds, error_message=error_message
                )
                return record
            record.state = state
            record.error_message = (
                (error_message or "File processing failed.") if state == "FAILED" else None
            )
            record.update_time = self.now()
            return record

    def mark_foreign(self, name: str) -> FileRecord:
        """Make a file behave like another project's: 403 on get, delete and use; not listed."""
        with self._lock:
            record = self._record(name)
            record.foreign = True
            return record

    def _record(self, name: str) -> FileRecord:
        key = name if name.startswith("files/") else f"files/{name}"
        try:
            return self._store.records[key]
        except KeyError:
            raise KeyError(f"FakeGeminiServer has no file {key!r}") from None

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
            if not match or match["method"] not in _GENERATE_METHODS or entry.json is None:
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
        """Forget files, uploads, rules, faults and the log (settings are kept)."""
        with self._lock:
            self._store.records.clear()
            self._store.sessions.clear()
            self._rules.clear()
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
            return self._upload_start(body, headers)
        if regex is _FILES_RE and method == "GET":
            return Response.of_json(
                self._store.list_json(query.get("pageSize"), query.get("pageToken"))
            )
        if regex is _FILE_RE and method == "GET":
            return Response.of_json(self._store.get_json(match["id"]))
        if regex is _FILE_RE and method == "DELETE":
            self._store.delete(match["id"])
            return Response.of_json({})
        if regex is _MODEL_METHOD_RE and method == "POST":
            return self._model_method(match["model"], version, match["method"], body, query)
        if regex is _MODEL_RE and method == "GET":
            return Response.of_json(self._model_resource(match["model"], version))
        raise _wire.ApiError(404, f"Method not found: {method} {path}")

    # ------------------------------------------------------------------ uploads

    def _upload_start(self, body: Any, headers: dict[str, str]) -> Response:
        answer = self._store.start_upload(body, headers, self.url)
        return Response(
            status=200,
            headers={"Content-Type": "text/plain; charset=utf-8", **answer},
        )

    def _upload_chunk(
        self,
        handler: Handler,
        query: dict[str, str],
        headers: dict[str, str],
        entry: RecordedRequest,
    ) -> Response:
        try:
            session = self._store.session(query["upload_id"])
        except _wire.ApiError:
            entry.body_size = handler.discard_body()
            raise
        commands = {c.strip().lower() for c in headers.get("x-goog-upload-command", "").split(",")}
        if "query" in commands or "cancel" in commands:
            entry.body_size = handler.discard_body()
            if "cancel" in commands:
                self._store.sessions.pop(session.token, None)
                return Response(headers={"x-goog-upload-status": "cancelled"})
            return Response(
                headers={
                    "x-goog-upload-status": "active",
                    "x-goog-upload-size-received": str(session.received),
                }
            )
        if "upload" not in commands and "finalize" not in commands:
            entry.body_size = handler.discard_body()
            raise _wire.invalid_argument("X-Goog-Upload-Command must be upload and/or finalize.")
        try:
            offset = int(headers.get("x-goog-upload-offset", ""))
        except ValueError:
            entry.body_size = handler.discard_body()
            raise _wire.invalid_argument("X-Goog-Upload-Offset is required.") from None

        def counted() -> Iterator[bytes]:
            # Every chunk byte that arrives counts, accepted or not.
            for block in handler.iter_body():
                entry.body_size += len(block)
                with self._lock:
                    self.upload_bytes_received += len(block)
                yield block

        blocks = counted()
        try:
            record = self._store.receive_chunk(
                session, offset=offset, finalize="finalize" in commands, blocks=blocks
            )
        except _wire.ApiError:
            # Keep the connection usable: consume whatever of the body was not read.
            for _ in blocks:
                pass
            raise
        if record is None:
            return Response(
                headers={
                    "x-goog-upload-status": "active",
                    "x-goog-upload-size-received": str(session.received),
                }
            )
        return Response.of_json(
            {"file": record.to_json()}, headers={"x-goog-upload-status": "final"}
        )

    # ------------------------------------------------------------------ models

    def _check_model(self, model: str, version: str, method: str) -> None:
        if model in self.unknown_models or not model.startswith(_MODEL_PREFIXES):
            raise _wire.model_not_found(model, version, method)

    def _model_resource(self, model: str, version: str) -> dict[str, Any]:
        self._check_model(model, version, "get")
        return {
            "name": f"models/{model}",
            "version": "001",
            "displayName": model,
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }

    def _model_method(
        self, model: str, version: str, method: str, body: Any, query: dict[str, str]
    ) -> Response:
        if method == "countTokens":
            self._check_model(model, version, method)
            inner = body.get("generateContentRequest") if isinstance(body, dict) else None
            if isinstance(inner, dict):
                inner = {k: v for k, v in inner.items() if k != "model"}
            req = self._parse(inner if inner is not None else body, model, stream=False)
            counts = prompt_tokens(req)
            return Response.of_json(
                {
                    "totalTokens": sum(counts.values()),
                    "promptTokensDetails": [
                        {"modality": m, "tokenCount": n} for m, n in counts.items()
                    ],
                }
            )
        if method not in _GENERATE_METHODS:
            raise _wire.ApiError(404, f"Method not found: models/{model}:{method}")
        self._check_model(model, version, method)
        stream = method == "streamGenerateContent"
        req = self._parse(body, model, stream=stream)
        reply, latency = self._answer(req)
        if latency > 0:
            time.sleep(latency)
        if reply.error_status is not None:
            raise _wire.ApiError(reply.error_status, reply.error_message)
        return self._render(req, reply, sse=stream and query.get("alt") == "sse")

    def _parse(self, body: Any, model: str, *, stream: bool) -> GenerateRequest:
        return parse_request(
            body,
            model=model,
            stream=stream,
            resolve_file=self._store.lookup,
            youtube_duration_s=self.youtube_duration_s,
        )

    def _answer(self, req: GenerateRequest) -> tuple[Reply, float]:
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule.claim(req):
                return rule.reply(req), rule.latency_s
        return default_reply(req), 0.0

    def _render(self, req: GenerateRequest, reply: Reply, *, sse: bool) -> Response:
        prompt = prompt_tokens(req)
        text = None if reply.block_reason else reply.text
        calls = () if reply.block_reason else reply.function_calls
        # Function calls cost output tokens too (about their JSON's length / 4).
        calls_tokens = text_tokens(json.dumps(list(calls))) if calls else 0
        response_id = secrets.token_urlsafe(16)[:22]
        version = self.model_version or req.model
        if not req.stream:
            out_tokens = (
                text_tokens(text or "") + calls_tokens if text is not None or calls else None
            )
            usage = _wire.usage_metadata(prompt, out_tokens, reply.usage)
            return Response.of_json(
                _wire.generate_response(
                    text=text,
                    finish_reason=reply.finish_reason,
                    block_reason=reply.block_reason,
                    usage=usage,
                    model_version=version,
                    response_id=response_id,
                    function_calls=calls,
                )
            )
        events: list[dict[str, Any]] = []
        pieces = [None] if text is None else _wire.split_for_stream(text)
        sent = ""
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            sent += piece or ""
            has_output = text is not None or bool(calls)
            usage = _wire.usage_metadata(
                prompt,
                text_tokens(sent) + (calls_tokens if last else 0) if has_output else None,
                reply.usage if last else None,
            )
            events.append(
                _wire.generate_response(
                    text=piece,
                    finish_reason=reply.finish_reason if last else "",
                    block_reason=reply.block_reason,
                    usage=usage,
                    model_version=version,
                    response_id=response_id,
                    function_calls=calls if last else (),
                )
            )
        if not sse:
            # Without alt=sse the API streams one JSON array.
            return Response.of_json(events)
        chunks = [
            b"data: " + json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\r\n\r\n"
            for event in events
        ]
        return Response(headers={"Content-Type": "text/event-stream"}, chunks=chunks, json=events)
