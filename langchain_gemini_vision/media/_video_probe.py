"""Read a video's duration from its container header (pure stdlib, streaming).

MP4/MOV: the ``mvhd`` box (below). WebM/Matroska: ``Segment > Info > Duration`` (``_ebml``).

Only box headers are read while walking the file (8 or 16 bytes each, then a seek past the body), so
probing a 2 GB video costs a handful of small reads whether ``moov`` sits at the start or the end.
Anything unexpected (not ISO-BMFF, truncated, unknown duration) gives None: the caller then treats
the duration as unknown instead of failing.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import BinaryIO

from langchain_gemini_vision.media._ebml import EBML_MAGIC, ebml_duration

__all__ = ["probe_duration"]

_MAX_BOXES = 10_000
"""Stop walking after this many boxes: a corrupt file must not make us loop for long."""
_UNKNOWN_32 = 0xFFFFFFFF
_UNKNOWN_64 = 0xFFFFFFFFFFFFFFFF


def _read_exact(stream: BinaryIO, n: int) -> bytes | None:
    data = stream.read(n)
    return data if len(data) == n else None


def _boxes(stream: BinaryIO, start: int, end: int | None) -> list[tuple[bytes, int, int]]:
    """List ``(type, body_offset, body_end)`` of the boxes between ``start`` and ``end``."""
    found: list[tuple[bytes, int, int]] = []
    pos = start
    for _ in range(_MAX_BOXES):
        if end is not None and pos + 8 > end:
            break
        stream.seek(pos)
        header = _read_exact(stream, 8)
        if header is None:
            break
        size, kind = struct.unpack(">I4s", header)
        body = pos + 8
        if size == 1:
            large = _read_exact(stream, 8)
            if large is None:
                break
            (size,) = struct.unpack(">Q", large)
            body = pos + 16
        elif size == 0:
            # "Extends to the end of the file": only legal for the last box.
            if end is None:
                stream.seek(0, os.SEEK_END)
                size = stream.tell() - pos
            else:
                size = end - pos
        if size < body - pos:
            break
        box_end = pos + size
        if end is not None and box_end > end:
            break
        found.append((kind, body, box_end))
        pos = box_end
    return found


def _mvhd_seconds(stream: BinaryIO, body: int) -> float | None:
    stream.seek(body)
    head = _read_exact(stream, 4)
    if head is None:
        return None
    version = head[0]
    if version == 1:
        data = _read_exact(stream, 8 + 8 + 4 + 8)
        if data is None:
            return None
        _, _, timescale, duration = struct.unpack(">QQIQ", data)
        unknown = duration == _UNKNOWN_64
    else:
        data = _read_exact(stream, 4 + 4 + 4 + 4)
        if data is None:
            return None
        _, _, timescale, duration = struct.unpack(">IIII", data)
        unknown = duration == _UNKNOWN_32
    if unknown or timescale == 0 or duration == 0:
        return None
    return float(duration) / float(timescale)


def _mehd_duration(stream: BinaryIO, body: int, timescale: int) -> float | None:
    stream.seek(body)
    head = _read_exact(stream, 4)
    if head is None or timescale == 0:
        return None
    data = _read_exact(stream, 8 if head[0] == 1 else 4)
    if data is None:
        return None
    value = struct.unpack(">Q" if head[0] == 1 else ">I", data)[0]
    return float(value) / timescale if value else None


def _timescale(stream: BinaryIO, body: int) -> int:
    stream.seek(body)
    head = _read_exact(stream, 4)
    if head is None:
        return 0
    skip = 16 if head[0] == 1 else 8
    stream.seek(body + 4 + skip)
    data = _read_exact(stream, 4)
    return struct.unpack(">I", data)[0] if data else 0


def _probe_stream(stream: BinaryIO) -> float | None:
    stream.seek(0)
    if stream.read(4) == EBML_MAGIC:
        return ebml_duration(stream)
    top = _boxes(stream, 0, None)
    if not top or top[0][0] not in (b"ftyp", b"moov", b"wide", b"free", b"mdat", b"skip"):
        return None
    for kind, body, box_end in top:
        if kind != b"moov":
            continue
        children = _boxes(stream, body, box_end)
        for child, child_body, _ in children:
            if child != b"mvhd":
                continue
            seconds = _mvhd_seconds(stream, child_body)
            if seconds is not None:
                return seconds
            # Fragmented MP4: mvhd says 0 and mvex/mehd holds the total.
            scale = _timescale(stream, child_body)
            for ext, ext_body, ext_end in children:
                if ext != b"mvex":
                    continue
                for leaf, leaf_body, _ in _boxes(stream, ext_body, ext_end):
                    if leaf == b"mehd":
                        return _mehd_duration(stream, leaf_body, scale)
            return None
    return None


def probe_duration(source: str | os.PathLike[str] | bytes | BinaryIO) -> float | None:
    """The duration in seconds of an MP4/MOV or WebM/MKV file, or None when unknown.

    Args:
        source: A path, the file's bytes, or a seekable binary stream (its position is restored).

    Returns:
        Seconds from the movie header, or None for other formats, corrupt files or unknown
        durations.
    """
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            return _probe_stream(io.BytesIO(bytes(source)))
        if isinstance(source, (str, os.PathLike)):
            with Path(source).open("rb") as handle:
                return _probe_stream(handle)
        position = source.tell()
        try:
            return _probe_stream(source)
        finally:
            source.seek(position)
    except (OSError, struct.error, ValueError, OverflowError):
        return None
