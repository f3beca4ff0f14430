"""File API store of the fake server: files, upload sessions and the PROCESSING state machine.

The resumable upload protocol that fills the store is inherited from ``_uploads``. The records
themselves (``FileRecord``, ``UploadSession``, their limits and id helpers) live in
``_file_records``; they are re-exported here (``X as X``) so existing ``_files`` imports keep
working.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timedelta
from typing import Any, Protocol

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._file_records import CHUNK_GRANULARITY as CHUNK_GRANULARITY
from langchain_gemini_vision.testing._file_records import FILE_TTL as FILE_TTL
from langchain_gemini_vision.testing._file_records import MAX_FILE_BYTES as MAX_FILE_BYTES
from langchain_gemini_vision.testing._file_records import FileRecord as FileRecord
from langchain_gemini_vision.testing._file_records import UploadSession as UploadSession
from langchain_gemini_vision.testing._file_records import (
    estimate_video_duration as estimate_video_duration,
)
from langchain_gemini_vision.testing._file_records import new_file_id as new_file_id
from langchain_gemini_vision.testing._uploads import ResumableUploads


class FileSettings(Protocol):
    """The server settings the file store reads at call time (so tests may change them)."""

    processing_polls: int
    processing_seconds: float
    video_duration_s: float | None
    fail_processing: str | None
    processing_mime_prefixes: tuple[str, ...]
    keep_bytes_up_to: int
    missing_file_status: int

    def now(self) -> datetime:
        """Current time (UTC)."""
        ...


class FileStore(ResumableUploads):
    """Files and upload sessions, with the PROCESSING -> ACTIVE/FAILED state machine.

    All methods are thread-safe. Methods raising ``ApiError`` produce the live API's answers.
    """

    def __init__(self, settings: FileSettings, lock: threading.RLock | None = None) -> None:
        self._settings = settings
        # The server passes its own lock so its direct record edits serialize with ours.
        self._lock = lock or threading.RLock()
        self.records: dict[str, FileRecord] = {}
        self.sessions: dict[str, UploadSession] = {}

    # ------------------------------------------------------------------ state machine

    def schedule(
        self,
        record: FileRecord,
        *,
        then: str,
        polls: int,
        seconds: float,
        error_message: str | None,
    ) -> None:
        """Put ``record`` in PROCESSING until ``polls`` GETs and ``seconds`` have passed."""
        record.state = "PROCESSING"
        record.final_state = then
        record.final_error = error_message
        record.polls_remaining = max(0, polls)
        now = self._settings.now()
        record.ready_at = now + timedelta(seconds=seconds) if seconds > 0 else None
        record.update_time = now

    def _advance(self, record: FileRecord, *, poll: bool) -> None:
        """Apply a pending transition when its conditions hold; a GET counts as one poll."""
        if record.state != "PROCESSING" or record.final_state is None:
            return
        if record.polls_remaining:
            if poll:
                record.polls_remaining -= 1
            return
        now = self._settings.now()
        if record.ready_at is not None and now < record.ready_at:
            return
        record.state = record.final_state
        if record.state == "FAILED":
            record.error_message = record.final_error or "File processing failed."
        record.final_state = record.final_error = None
        record.ready_at = None
        record.update_time = now

    def _visible(self, record: FileRecord) -> bool:
        return not record.foreign and self._settings.now() < record.expiration_time

    def lookup(self, file_id: str, *, poll: bool = False) -> FileRecord:
        """The record of ``file_id`` after applying due transitions.

        Raises:
            ApiError: 403 (or ``missing_file_status``) for unknown, expired or foreign files.
        """
        with self._lock:
            record = self.records.get(f"files/{file_id}")
            if record is None or not self._visible(record):
                if record is None and self._settings.missing_file_status == 404:
                    raise _wire.file_not_found(file_id)
                raise _wire.file_not_accessible(file_id)
            self._advance(record, poll=poll)
            return record

    def peek(self, file_id: str) -> FileRecord | None:
        """The record of ``file_id`` as stored (no transitions, no access checks)."""
        with self._lock:
            return self.records.get(f"files/{file_id}")

    def get_json(self, file_id: str) -> dict[str, Any]:
        """files.get: the File resource (not wrapped); counts as a poll."""
        with self._lock:
            return self.lookup(file_id, poll=True).to_json()

    def delete(self, file_id: str) -> None:
        """files.delete."""
        with self._lock:
            record = self.lookup(file_id)
            del self.records[record.name]

    def list_json(self, page_size: str | None, page_token: str | None) -> dict[str, Any]:
        """files.list: newest first, ``nextPageToken`` only when more remain, ``{}`` if empty."""
        try:
            size = int(page_size) if page_size else 10
        except ValueError:
            raise _wire.invalid_argument(
                f"Invalid value at 'page_size' (TYPE_INT32), \"{page_size}\""
            ) from None
        size = 10 if size <= 0 else min(size, 100)
        start = 0
        if page_token:
            try:
                start = int(base64.urlsafe_b64decode(page_token.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise _wire.invalid_argument("Invalid page token.") from None
        with self._lock:
            visible = [r for r in self.records.values() if self._visible(r)]
            # Newest first; dict order breaks ties so listing is stable across pages.
            ordered = sorted(
                enumerate(visible), key=lambda item: (item[1].create_time, item[0]), reverse=True
            )
            page = [record for _, record in ordered[start : start + size]]
            for record in page:
                # A listing shows each file's state as a GET would: it counts as one look.
                self._advance(record, poll=True)
            out: dict[str, Any] = {}
            if page:
                out["files"] = [record.to_json() for record in page]
            if start + size < len(ordered):
                out["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            return out

    # ------------------------------------------------------------------ creation

    def add(
        self,
        *,
        name: str | None,
        display_name: str | None,
        mime_type: str,
        size_bytes: int,
        sha256_hex: str,
        head: bytes,
        state: str | None,
        create_time: datetime | None,
        expiration_time: datetime | None,
        video_duration_s: float | None,
        error_message: str | None,
    ) -> FileRecord:
        """Store a new file; without an explicit ``state`` the processing rules apply."""
        settings = self._settings
        with self._lock:
            if name is None:
                name = f"files/{new_file_id()}"
                while name in self.records:
                    name = f"files/{new_file_id()}"
            elif not name.startswith("files/"):
                name = f"files/{name}"
            created = _wire.utc(create_time) if create_time else settings.now()
            record = FileRecord(
                name=name,
                display_name=display_name,
                mime_type=mime_type,
                size_bytes=size_bytes,
                sha256_hex=sha256_hex.lower(),
                create_time=created,
                update_time=created,
                expiration_time=_wire.utc(expiration_time)
                if expiration_time
                else created + FILE_TTL,
                video_duration_s=(
                    video_duration_s if video_duration_s is not None else settings.video_duration_s
                ),
                head=head,
            )
            if state is not None:
                record.state = state
                if state == "FAILED":
                    record.error_message = error_message or "File processing failed."
            elif any(mime_type.startswith(p) for p in settings.processing_mime_prefixes):
                self.schedule(
                    record,
                    then="FAILED" if settings.fail_processing else "ACTIVE",
                    polls=settings.processing_polls,
                    seconds=settings.processing_seconds,
                    error_message=settings.fail_processing,
                )
                record.update_time = created
            self.records[name] = record
            return record
