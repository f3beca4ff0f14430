"""The fake server's File API: seeding and steering files, and the HTTP endpoints.

Public methods (``add_file``, ``set_file_state``...) are inherited by ``FakeGeminiServer``. The
endpoints (resumable upload start and chunks, files.get / list / delete) turn ``FileStore`` answers
into HTTP responses; the records and the PROCESSING state machine live in ``_files``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._files import FileRecord, FileStore, UploadSession
from langchain_gemini_vision.testing._http import Handler, Response

if TYPE_CHECKING:
    from langchain_gemini_vision.testing.server import RecordedRequest


class FileApiMixin:
    """The File API of ``FakeGeminiServer``: public file helpers and the File API endpoints."""

    # Provided by FakeGeminiServer.
    _lock: threading.RLock
    _store: FileStore
    keep_bytes_up_to: int
    upload_bytes_received: int
    now: Callable[[], datetime]

    @property
    def files(self) -> dict[str, FileRecord]:
        """The stored files by name (live records; use the methods below to change them)."""
        return self._store.records

    @property
    def upload_sessions(self) -> dict[str, UploadSession]:
        """Open resumable uploads by token (``chunk_offsets`` shows the offsets received)."""
        return self._store.sessions

    def clear_files(self) -> None:
        """Forget every stored file and open upload (a shared server between tests)."""
        with self._lock:
            self._store.records.clear()
            self._store.sessions.clear()

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

    # ------------------------------------------------------------------ endpoints

    def _list_files(self, query: dict[str, str]) -> Response:
        return Response.of_json(
            self._store.list_json(query.get("pageSize"), query.get("pageToken"))
        )

    def _get_file(self, file_id: str) -> Response:
        return Response.of_json(self._store.get_json(file_id))

    def _delete_file(self, file_id: str) -> Response:
        self._store.delete(file_id)
        return Response.of_json({})

    def _upload_start(self, body: Any, headers: dict[str, str], base_url: str) -> Response:
        answer = self._store.start_upload(body, headers, base_url)
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
