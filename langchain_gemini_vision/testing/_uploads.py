"""Resumable uploads into the fake File API: the start request, streamed chunks and finalize.

``FileStore`` inherits ``ResumableUploads``. The protocol checks (headers, upload metadata, chunk
offsets and granularity, declared sizes) are separate from the store's records and PROCESSING
state machine: an upload only becomes a file through the store's ``add`` at finalize.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._file_records import (
    CHUNK_GRANULARITY,
    MAX_FILE_BYTES,
    FileRecord,
    UploadSession,
)
from langchain_gemini_vision.testing._proto_json import _camel

if TYPE_CHECKING:
    from langchain_gemini_vision.testing._files import FileSettings

_FILE_FIELDS = {
    "name",
    "displayName",
    "mimeType",
    "sizeBytes",
    "createTime",
    "updateTime",
    "expirationTime",
    "sha256Hash",
    "uri",
    "downloadUri",
    "state",
    "source",
    "videoMetadata",
    "error",
}
_NAME_RE = re.compile(r"^files/[a-z0-9-]{1,40}$")


def _keeps_all(mime: str) -> bool:
    return mime.split(";")[0].strip() in ("application/jsonl", "application/x-ndjson", "jsonl")


class ResumableUploads:
    """The resumable upload protocol of ``FileStore`` (all methods thread-safe)."""

    # Provided by FileStore.
    _settings: FileSettings
    _lock: threading.RLock
    records: dict[str, FileRecord]
    sessions: dict[str, UploadSession]
    add: Callable[..., FileRecord]

    def start_upload(self, meta: Any, headers: dict[str, str], base_url: str) -> dict[str, str]:
        """Begin a resumable upload; returns the response headers (incl. the upload URL)."""
        if headers.get("x-goog-upload-protocol", "").lower() != "resumable":
            raise _wire.invalid_argument(
                "FakeGeminiServer only implements the resumable upload protocol "
                "(X-Goog-Upload-Protocol: resumable)."
            )
        if headers.get("x-goog-upload-command", "").lower() != "start":
            raise _wire.invalid_argument("X-Goog-Upload-Command must be 'start'.")
        body = meta if isinstance(meta, dict) else {}
        for key in body:
            if key != "file":
                raise _wire.unknown_field(key)
        raw = body.get("file") or {}
        if not isinstance(raw, dict):
            raise _wire.invalid_argument("Invalid value at 'file'")
        file_meta: dict[str, Any] = {}
        for key, value in raw.items():
            if _camel(key) not in _FILE_FIELDS:
                raise _wire.unknown_field(key, "file")
            file_meta[_camel(key)] = value
        size_text = headers.get("x-goog-upload-header-content-length") or file_meta.get("sizeBytes")
        try:
            size = int(size_text) if size_text not in (None, "") else None
        except (TypeError, ValueError):
            raise _wire.invalid_argument(f"Invalid content length: {size_text!r}") from None
        if size is not None and size > MAX_FILE_BYTES:
            raise _wire.invalid_argument(
                f"File size {size} bytes exceeds the File API limit of {MAX_FILE_BYTES} bytes."
            )
        mime = (
            headers.get("x-goog-upload-header-content-type")
            or file_meta.get("mimeType")
            or "application/octet-stream"
        )
        name = file_meta.get("name")
        with self._lock:
            if name is not None:
                name = str(name) if str(name).startswith("files/") else f"files/{name}"
                if not _NAME_RE.match(name):
                    raise _wire.invalid_argument(f"Invalid file name: {name}")
                if name in self.records:
                    raise _wire.ApiError(409, f"File {name} already exists.")
            token = "ABgVH" + secrets.token_urlsafe(48)
            self.sessions[token] = UploadSession(
                token,
                name=name,
                display_name=file_meta.get("displayName"),
                mime_type=str(mime),
                expected_size=size,
                # Batch input files are read back by the fake's batch endpoints.
                keep=MAX_FILE_BYTES if _keeps_all(str(mime)) else self._settings.keep_bytes_up_to,
            )
        return {
            "x-goog-upload-status": "active",
            "x-goog-upload-url": (
                f"{base_url}/upload/v1beta/files?upload_id={token}&upload_protocol=resumable"
            ),
            "x-goog-upload-control-url": (
                f"{base_url}/upload/v1beta/files?upload_id={token}&upload_protocol=resumable"
            ),
            "x-goog-upload-chunk-granularity": str(CHUNK_GRANULARITY),
        }

    def session(self, token: str) -> UploadSession:
        """The open upload session ``token``."""
        with self._lock:
            found = self.sessions.get(token)
        if found is None:
            raise _wire.ApiError(404, "Upload session not found or already finalized.")
        return found

    def receive_chunk(
        self,
        session: UploadSession,
        *,
        offset: int,
        finalize: bool,
        blocks: Iterable[bytes],
    ) -> FileRecord | None:
        """Stream one chunk into ``session``; returns the new record on finalize."""
        if offset != session.received:
            raise _wire.invalid_argument(
                f"Invalid X-Goog-Upload-Offset {offset}: the server has {session.received} bytes."
            )
        before = session.received
        for block in blocks:
            session.feed(block)
        session.chunk_offsets.append(offset)
        chunk = session.received - before
        expected = session.expected_size
        if expected is not None and session.received > expected:
            self._abort(session)
            raise _wire.invalid_argument(
                f"Received {session.received} bytes, more than the declared {expected}."
            )
        if not finalize:
            if chunk % CHUNK_GRANULARITY:
                self._abort(session)
                raise _wire.invalid_argument(
                    f"Non-final chunk of {chunk} bytes is not a multiple of the upload "
                    f"granularity {CHUNK_GRANULARITY}."
                )
            return None
        if expected is not None and session.received != expected:
            self._abort(session)
            raise _wire.invalid_argument(
                f"Upload finalized with {session.received} bytes, but {expected} were declared."
            )
        self._abort(session)
        return self.add(
            name=session.name,
            display_name=session.display_name,
            mime_type=session.mime_type,
            size_bytes=session.received,
            sha256_hex=session.hexdigest(),
            head=bytes(session.head),
            state=None,
            create_time=None,
            expiration_time=None,
            video_duration_s=None,
            error_message=None,
        )

    def _abort(self, session: UploadSession) -> None:
        with self._lock:
            self.sessions.pop(session.token, None)
