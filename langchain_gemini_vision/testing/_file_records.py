"""File API records of the fake server: the stored File resource and an upload in progress.

They are plain data with their wire rendering (``FileRecord.to_json``) and byte accounting
(``UploadSession.feed``); the store in ``_files`` owns the locking and the state machine that change
them, and ``_generate`` reads records without needing the store, hence a module of their own.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from langchain_gemini_vision.testing import _wire

#: Files are kept 48 hours (vision guide).
FILE_TTL = timedelta(hours=48)
#: The chunk granularity the live upload server advertises; non-final chunks must be multiples.
CHUNK_GRANULARITY = 8 * 1024 * 1024
#: File API limit per file.
MAX_FILE_BYTES = 2 * 1024**3

_ID_ALPHABET = string.ascii_lowercase + string.digits
#: Without a configured duration, a video's length is estimated from its size at this bitrate.
_ESTIMATED_VIDEO_BYTES_PER_S = 250_000


def new_file_id() -> str:
    """Twelve characters of ``[a-z0-9]``, the shape of real file ids."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def estimate_video_duration(size_bytes: int) -> float:
    """A plausible duration (whole seconds, at least 1) for a video of ``size_bytes``."""
    return float(max(1, round(size_bytes / _ESTIMATED_VIDEO_BYTES_PER_S)))


@dataclass
class FileRecord:
    """One file as the fake File API stores it. Mutate only through the server's methods.

    Attributes:
        name: ``files/<id>``.
        mime_type: MIME type given at upload.
        size_bytes: Size in bytes.
        sha256_hex: Lowercase hex SHA-256 of the content.
        create_time: Creation time (UTC).
        update_time: Last state change (UTC).
        expiration_time: When the file disappears (create + 48 h unless seeded otherwise).
        state: ``PROCESSING``, ``ACTIVE``, ``FAILED`` or ``STATE_UNSPECIFIED``.
        display_name: Optional display name; omitted from JSON when None.
        video_duration_s: Reported as ``videoMetadata.videoDuration`` once a video is ACTIVE.
        error_code: ``error.code`` when FAILED (a google.rpc code; 3 = INVALID_ARGUMENT).
        error_message: ``error.message`` when FAILED.
        head: The first bytes of the content (up to the server's ``keep_bytes_up_to``).
        foreign: True after ``mark_foreign``: the file answers 403 like another project's file.
        source: Always ``UPLOADED`` for uploads.
        polls_remaining: GETs that still answer PROCESSING before the pending transition.
        ready_at: Earliest time the pending transition may happen.
        final_state: State reached when processing ends (``ACTIVE`` or ``FAILED``).
        final_error: ``error.message`` used if ``final_state`` is FAILED.
        nanos: Extra nanosecond digits of ``expirationTime`` (the API emits 9 fraction digits).
    """

    name: str
    mime_type: str
    size_bytes: int
    sha256_hex: str
    create_time: datetime
    update_time: datetime
    expiration_time: datetime
    state: str = "ACTIVE"
    display_name: str | None = None
    video_duration_s: float | None = None
    error_code: int = 3
    error_message: str | None = None
    head: bytes = b""
    foreign: bool = False
    source: str = "UPLOADED"
    polls_remaining: int | None = None
    ready_at: datetime | None = None
    final_state: str | None = None
    final_error: str | None = None
    nanos: int = field(default_factory=lambda: secrets.randbelow(1000))

    @property
    def id(self) -> str:
        """The bare id (after ``files/``)."""
        return self.name.split("/", 1)[-1]

    @property
    def uri(self) -> str:
        """The ``uri`` clients see (the public googleapis host)."""
        return _wire.file_uri(self.name)

    @property
    def is_video(self) -> bool:
        """True for ``video/*`` MIME types."""
        return self.mime_type.startswith("video/")

    def to_json(self) -> dict[str, Any]:
        """The File resource in the live API's field order (unset fields left out)."""
        out: dict[str, Any] = {"name": self.name}
        if self.display_name is not None:
            out["displayName"] = self.display_name
        out["mimeType"] = self.mime_type
        out["sizeBytes"] = str(self.size_bytes)  # int64 travels as a JSON string
        out["createTime"] = _wire.format_time(self.create_time)
        out["updateTime"] = _wire.format_time(self.update_time)
        out["expirationTime"] = _wire.format_time_nanos(self.expiration_time, self.nanos)
        out["sha256Hash"] = _wire.sha256_hash_field(self.sha256_hex)
        out["uri"] = self.uri
        out["state"] = self.state
        out["source"] = self.source
        if self.is_video and self.state == "ACTIVE":
            duration = self.video_duration_s
            if duration is None:
                duration = estimate_video_duration(self.size_bytes)
            out["videoMetadata"] = {"videoDuration": _wire.format_duration(duration)}
        if self.state == "FAILED":
            error: dict[str, Any] = {"code": self.error_code}
            if self.error_message:
                error["message"] = self.error_message
            out["error"] = error
        return out


class UploadSession:
    """A resumable upload between ``start`` and ``finalize``.

    Only a running SHA-256, the byte count and the first ``keep`` bytes are held, so uploads of
    any size cost constant memory.
    """

    def __init__(
        self,
        token: str,
        *,
        name: str | None,
        display_name: str | None,
        mime_type: str,
        expected_size: int | None,
        keep: int,
    ) -> None:
        self.token = token
        self.name = name
        self.display_name = display_name
        self.mime_type = mime_type
        self.expected_size = expected_size
        self.received = 0
        self.keep = keep
        self.head = bytearray()
        self.chunk_offsets: list[int] = []
        self._hasher = hashlib.sha256()

    def feed(self, block: bytes) -> None:
        """Account for ``block`` (hash, size, head)."""
        self._hasher.update(block)
        self.received += len(block)
        room = self.keep - len(self.head)
        if room > 0:
            self.head += block[:room]

    def hexdigest(self) -> str:
        """The lowercase hex SHA-256 of everything fed so far."""
        return self._hasher.hexdigest()
