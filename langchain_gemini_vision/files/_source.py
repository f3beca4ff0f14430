"""What to upload: validate a path / bytes / binary stream before any byte is sent, hash it, and
stream it to the SDK through a reader that reports progress and can be cancelled.

Nothing here holds a whole file in memory: hashing and uploading read fixed-size chunks.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Union

from langchain_gemini_vision.errors import MediaAccessError, UnsupportedMediaError
from langchain_gemini_vision.files._hash_cache import stat_key
from langchain_gemini_vision.media._prepare import (
    AUDIO_MIME_TYPES,
    CONVERTED_IMAGE_TYPES,
    DOCUMENT_MIME_TYPES,
    FILE_API_LIMIT_BYTES,
    IMAGE_MIME_TYPES,
    VIDEO_MIME_TYPES,
    check_media_size,
)
from langchain_gemini_vision.media._safe_open import SafeFile, open_local
from langchain_gemini_vision.media._sniff import SNIFF_BYTES, sniff_mime

UploadInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
"""What ``GeminiFileManager.upload`` accepts: a path, bytes, or a binary file object."""

HASH_CHUNK = 1024 * 1024
SUPPORTED_UPLOAD_TYPES = frozenset(
    IMAGE_MIME_TYPES + VIDEO_MIME_TYPES + AUDIO_MIME_TYPES + DOCUMENT_MIME_TYPES
)

ProgressCallback = Callable[[int, int], None]
"""``callback(bytes_sent, total_bytes)``."""


class UploadCancelled(Exception):
    """Raised inside the SDK's read loop to abort an upload before it is finalised."""


@dataclass
class UploadSource:
    """A validated upload: how to open it, its size, type and (lazily) its hash.

    Attributes:
        label: What to call it in messages and the default display name (never a secret).
        size: Bytes that will be sent.
        mime_type: Declared or sniffed MIME type.
        path: The local file, when the source is (or was spooled to) one.
        data: In-memory bytes, when the source is bytes.
        stream: A caller's seekable stream and the position to upload from.
        stat_key: For a local file, its identity by ``stat`` (keys the hash cache).
    """

    label: str
    size: int
    mime_type: str
    path: Path | None = None
    data: bytes | None = None
    stream: IO[bytes] | None = None
    start: int = 0
    stat_key: str | None = None
    _sha256: str | None = field(default=None, repr=False)
    _spooled: bool = field(default=False, repr=False)

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """A binary stream at the first byte to send (closed after, unless it is the caller's).

        Each upload attempt opens the source again, so a retried upload restarts from the first
        byte: a path is re-opened, bytes are re-wrapped, a caller's stream is sought back.
        """
        if self.path is not None:
            with self.path.open("rb") as handle:
                yield handle
        elif self.data is not None:
            yield io.BytesIO(self.data)
        else:
            assert self.stream is not None
            self.stream.seek(self.start)
            yield self.stream  # type: ignore[misc]  # IO[bytes] is what the SDK reads from

    def set_sha256(self, sha256_hex: str) -> None:
        """Record a hash known without reading the content (hash cache, upload answer)."""
        self._sha256 = sha256_hex

    @property
    def hashed(self) -> bool:
        """Whether the hash is already known (asking for it costs no read)."""
        return self._sha256 is not None

    def sha256_hex(self) -> str:
        """Hex SHA-256 of the content, computed once by streaming it."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            if self.data is not None:
                digest.update(self.data)
            else:
                with self.open() as handle:
                    for block in iter(lambda: handle.read(HASH_CHUNK), b""):
                        digest.update(block)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def cleanup(self) -> None:
        """Remove a temporary spool file, if one was made for a non-seekable stream."""
        if self._spooled and self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()


def _check_type(head: bytes, mime_type: str | None, label: str) -> str:
    if mime_type:
        # An explicit type is the caller's decision (the File API also takes text, code, ...).
        return mime_type
    sniffed = sniff_mime(head)
    if sniffed in SUPPORTED_UPLOAD_TYPES:
        return sniffed
    if sniffed in CONVERTED_IMAGE_TYPES:
        raise UnsupportedMediaError(
            f"{label} is {sniffed}, which Gemini does not accept as a file. Convert it to PNG "
            "first, or pass it to caption_image/detect_objects, which convert it inline."
        )
    what = f"{sniffed} content" if sniffed else "content of an unrecognised type"
    raise UnsupportedMediaError(
        f"{label} holds {what}; the type is detected from the bytes, not the name. Supported: "
        "images (PNG, JPEG, WebP, HEIC, HEIF), videos (MP4, MOV, MPEG, AVI, FLV, WebM, WMV, "
        "3GPP), audio (WAV, MP3, AIFF, AAC, OGG, FLAC) and PDF. If you know the type, pass "
        "mime_type='...' explicitly."
    )


def _from_path(path_like: str | os.PathLike[str], mime_type: str | None) -> UploadSource:
    # Opened once and verified (see _safe_open); size, type and every upload attempt read that
    # descriptor, so a file swapped under the name later is never sent. A SafeFile comes from a
    # tool's prepare_media, already checked against its allowed_dirs.
    if isinstance(path_like, SafeFile):
        opened = path_like
    else:
        shown = os.fspath(path_like)
        opened = open_local(
            shown,
            folder_hint=(
                "upload the files in it one by one, or use GeminiFileLoader with a glob such as "
                f"'{shown}/*.mp4'."
            ),
        )
    check_media_size(opened.size, opened.shown)
    try:
        head = opened.read_at(0, SNIFF_BYTES)
    except OSError as exc:
        raise MediaAccessError(f"Cannot read {opened.shown}: {exc.strerror}.", rule="io") from exc
    mime = _check_type(head, mime_type, opened.shown)
    return UploadSource(
        label=opened.shown,
        size=opened.size,
        mime_type=mime,
        stream=opened.stream(),
        # The identity of what was opened (fstat of the descriptor), keying the hash cache.
        stat_key=stat_key(opened.real, os.fstat(opened.fd)),
    )


def _from_stream(stream: IO[bytes], mime_type: str | None) -> UploadSource:
    label = str(getattr(stream, "name", "") or "<stream>")
    if isinstance(stream, io.TextIOBase) or "b" not in str(getattr(stream, "mode", "b")):
        raise MediaAccessError(
            f"{label} is opened in text mode; open it with open(path, 'rb').", rule="io"
        )
    if not (hasattr(stream, "seekable") and stream.seekable()):
        return _spool(stream, mime_type, label)
    start = stream.tell()
    size = stream.seek(0, os.SEEK_END) - start
    stream.seek(start)
    check_media_size(size, label)
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    mime = _check_type(head, mime_type, label)
    return UploadSource(label=label, size=size, mime_type=mime, stream=stream, start=start)


def _spool(stream: IO[bytes], mime_type: str | None, label: str) -> UploadSource:
    """Copy a non-seekable stream to a temporary file (the SDK needs to know the size first)."""
    fd, tmp = tempfile.mkstemp(prefix="lcgv-upload-")
    path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, HASH_CHUNK)
            if out.tell() > FILE_API_LIMIT_BYTES:
                check_media_size(out.tell(), label)
        source = _from_path(path, mime_type)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    source.label = label
    source.path, source.stream = path, None  # our own temporary file: re-opened by name
    source._spooled = True
    return source


def open_source(source: UploadInput | Any, *, mime_type: str | None = None) -> UploadSource:
    """Validate ``source`` (limits and type) without sending anything.

    Raises:
        MediaAccessError: Missing, a folder, empty, unreadable, or a text-mode stream.
        MediaTooLargeError: Over the 2 GB File API limit.
        UnsupportedMediaError: The content is not a type Gemini reads (and no mime_type given).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        check_media_size(len(data), "<bytes>")
        mime = _check_type(data[:SNIFF_BYTES], mime_type, "<bytes>")
        return UploadSource(label="<bytes>", size=len(data), mime_type=mime, data=data)
    if isinstance(source, (str, os.PathLike)):
        return _from_path(source, mime_type)
    if hasattr(source, "read"):
        return _from_stream(source, mime_type)
    raise UnsupportedMediaError(
        f"Cannot upload a {type(source).__name__}: pass a path, bytes or a binary file object."
    )


class ProgressReader(io.RawIOBase):
    """Wraps the stream the SDK reads from: counts bytes and lets another thread cancel.

    The SDK reads one chunk, sends it, then reads the next; so when chunk ``k + 1`` is read,
    chunk ``k`` has been sent, and that is what we report. ``cancel()`` makes the next read raise,
    which aborts the upload before it is finalised, so no file is created on the server.
    """

    mode = "rb"

    def __init__(
        self,
        raw: BinaryIO,
        total: int,
        on_sent: Callable[[int, int], None],
        cancelled: threading.Event | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._total = total
        self._on_sent = on_sent
        self._read = 0
        self._pos = 0
        self._cancelled = cancelled or threading.Event()

    def cancel(self) -> None:
        """Abort at the next read."""
        self._cancelled.set()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        # The SDK measures the size with seek(0, END) / tell() / seek(back) before reading; that
        # is served virtually. Once reading has started the stream is forward-only.
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._total}[whence]
        target = base + offset
        if self._read and target != self._read:
            raise io.UnsupportedOperation("ProgressReader cannot seek once reading has started")
        self._pos = target
        return target

    def read(self, size: int | None = -1) -> bytes:
        if self._cancelled.is_set():
            raise UploadCancelled("upload cancelled")
        if self._pos != self._read:
            raise io.UnsupportedOperation("ProgressReader must be read from its start")
        if self._read:
            self._on_sent(self._read, self._total)
        block = self._raw.read(-1 if size is None else size)
        self._read += len(block)
        self._pos = self._read
        return block

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - the SDK calls read()
        block = self.read(len(buffer))
        buffer[: len(block)] = block
        return len(block)
