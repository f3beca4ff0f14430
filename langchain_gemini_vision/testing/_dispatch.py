"""How ``FakeGeminiServer`` answers one HTTP request: drops, faults, authentication and routing.

Every request is logged as a ``RecordedRequest`` (API key redacted), may be dropped or answered
with a scripted fault, is checked for size and key, and is routed to an endpoint of the File API,
model, batch or cache mixins. ``FakeGeminiServer`` inherits ``DispatchMixin``; dispatch is separate
from the server's configuration and log because it is the only code that reads raw HTTP.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._faults import Drop, Fault
from langchain_gemini_vision.testing._http import Handler, Response

logger = logging.getLogger("langchain_gemini_vision.testing")

_VERSION = r"(?P<version>v1beta|v1alpha|v1)"
_UPLOAD_RE = re.compile(rf"^/upload/{_VERSION}/files$")
_FILES_RE = re.compile(rf"^/{_VERSION}/files$")
_FILE_RE = re.compile(rf"^/{_VERSION}/files/(?P<id>[^/:]+)$")
_MODEL_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+)$")
_MODEL_METHOD_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+):(?P<method>[A-Za-z]+)$")


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


class DispatchMixin:
    """Request handling of ``FakeGeminiServer`` (runs on each connection's thread)."""

    # Provided by FakeGeminiServer and its other mixins.
    _lock: threading.RLock
    _log: list[RecordedRequest]
    _drops: list[Drop]
    _faults: list[Fault]
    latency_s: float
    handler_errors: list[BaseException]
    api_key: str
    max_request_bytes: int
    api_versions: tuple[str, ...]
    model_version: str | None
    _upload_chunk: Callable[..., Response]
    _upload_start: Callable[..., Response]
    _list_files: Callable[..., Response]
    _get_file: Callable[..., Response]
    _delete_file: Callable[..., Response]
    _model_method: Callable[..., Response]
    _model_resource: Callable[..., dict[str, Any]]
    _route_batches: Callable[..., Response | None]
    _route_caches: Callable[..., Response | None]

    if TYPE_CHECKING:

        @property
        def url(self) -> str:
            """Base URL of the running server (``ServingMixin``)."""
            ...

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
