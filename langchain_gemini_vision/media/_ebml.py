"""Read a WebM/Matroska (EBML) file's DocType and duration from its header region (pure stdlib).

Layout used: the EBML header (``1A45DFA3``, holding ``DocType`` ``4282``), then ``Segment``
(``18538067``) whose children include ``Info`` (``1549A966``) with ``TimecodeScale`` (``2AD7B1``,
nanoseconds per tick, default 1,000,000) and ``Duration`` (``4489``, a 4- or 8-byte float in
ticks). Seconds = Duration x TimecodeScale / 1e9.

Streaming and bounded: only element headers are read while walking (a seek skips each body), the
only bodies read are the EBML header and ``Info`` (each capped at :data:`MAX_BODY`), and the walk
stops at the first ``Cluster`` (media data), an element of unknown size, or after
:data:`MAX_ELEMENTS` elements. A live-recorded WebM has no ``Duration``: None, like any surprise.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

__all__ = ["MAX_BODY", "MAX_ELEMENTS", "doc_type", "ebml_duration"]

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_CLUSTER = 0x1F43B675
_DOC_TYPE = 0x4282
_TIMECODE_SCALE = 0x2AD7B1
_DURATION = 0x4489
_DEFAULT_SCALE_NS = 1_000_000

MAX_BODY = 64 * 1024
"""Largest header body read whole (the EBML header and ``Info`` are a few dozen bytes)."""
MAX_ELEMENTS = 256
"""Stop walking the Segment's children after this many (a corrupt file must not loop long)."""

Element = tuple[int, int | None, int]
"""``(id, size or None when unknown, header length)``."""


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool] | None:
    """Decode a variable-length integer at ``pos``: ``(value, length, all_ones)`` or None."""
    if pos >= len(data) or data[pos] == 0:
        return None
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if length > 8 or pos + length > len(data):
        return None
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    all_ones = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, all_ones


def _element(data: bytes, pos: int) -> Element | None:
    ident = _vint(data, pos, keep_marker=True)
    if ident is None or ident[1] > 4:
        return None
    size = _vint(data, pos + ident[1], keep_marker=False)
    if size is None:
        return None
    return ident[0], None if size[2] else size[0], ident[1] + size[1]


def _children(body: bytes) -> dict[int, bytes]:
    """The first occurrence of each child element of a fully read body."""
    found: dict[int, bytes] = {}
    pos = 0
    while pos < len(body):
        element = _element(body, pos)
        if element is None:
            break
        ident, size, header = element
        if size is None:
            break
        found.setdefault(ident, body[pos + header : pos + header + size])
        pos += header + size
    return found


def doc_type(head: bytes) -> str | None:
    """The DocType (``"webm"``, ``"matroska"``) of bytes starting with an EBML header, or None.

    Works on a truncated head: the DocType sits in the first few dozen bytes.
    """
    if not head.startswith(EBML_MAGIC):
        return None
    element = _element(head, 0)
    if element is None:
        return None
    _, size, header = element
    body = head[header : header + size] if size is not None else head[header:]
    value = _children(body).get(_DOC_TYPE)
    if value is None:
        return None
    return value.rstrip(b"\x00").decode("ascii", "replace").lower() or None


def _read_header(stream: BinaryIO, pos: int) -> Element | None:
    stream.seek(pos)
    return _element(stream.read(12), 0)


def _seconds(info: bytes) -> float | None:
    children = _children(info)
    raw = children.get(_DURATION)
    if raw is None or len(raw) not in (4, 8):
        return None
    ticks = struct.unpack(">f" if len(raw) == 4 else ">d", raw)[0]
    scale_raw = children.get(_TIMECODE_SCALE)
    scale = int.from_bytes(scale_raw, "big") if scale_raw else _DEFAULT_SCALE_NS
    seconds = float(ticks) * (scale or _DEFAULT_SCALE_NS) / 1e9
    if not seconds > 0 or seconds == float("inf"):
        return None
    return seconds


def ebml_duration(stream: BinaryIO) -> float | None:
    """Seconds from a WebM/Matroska file's ``Segment > Info``, or None when unknown.

    Raises:
        OSError: Reading the stream failed (the caller maps it to "unknown").
    """
    stream.seek(0)
    top = _read_header(stream, 0)
    if top is None or top[0] != int.from_bytes(EBML_MAGIC, "big") or top[1] is None:
        return None
    if top[1] > MAX_BODY:
        return None
    pos = top[2] + top[1]
    segment = _read_header(stream, pos)
    if segment is None or segment[0] != _SEGMENT:
        return None
    pos += segment[2]
    end = None if segment[1] is None else pos + segment[1]
    for _ in range(MAX_ELEMENTS):
        if end is not None and pos >= end:
            return None
        child = _read_header(stream, pos)
        if child is None:
            return None
        ident, size, header = child
        if ident == _CLUSTER or size is None:
            return None  # media data (or an unsized element): the header region is over
        if ident == _INFO:
            if size > MAX_BODY:
                return None
            stream.seek(pos + header)
            return _seconds(stream.read(size))
        pos += header + size
    return None
