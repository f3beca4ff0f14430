"""Synthetic WebM/Matroska files: an EBML header and a Segment whose Info declares a duration.

They hold no real frames (the emulator never decodes video); only the container header matters,
as with ``testing.samples.make_mp4`` for MP4.
"""

from __future__ import annotations

import struct

__all__ = ["ebml", "make_webm"]

UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"
"""An 8-byte size with every value bit set: "unknown size" (live recordings, streamed muxers)."""


def _size(n: int) -> bytes:
    """The shortest EBML size vint for ``n``."""
    for length in range(1, 9):
        if n < (1 << (7 * length)) - 1:
            return ((1 << (7 * length)) | n).to_bytes(length, "big")
    raise ValueError(n)


def ebml(ident: int, payload: bytes) -> bytes:
    """One element: its id (marker bits included), the payload size and the payload."""
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + _size(len(payload)) + payload


def make_webm(
    duration_s: float | None,
    *,
    doc_type: str = "webm",
    timecode_scale: int | None = None,
    float_bytes: int = 8,
    unknown_segment_size: bool = False,
    before_info: bytes = b"",
    size_bytes: int | None = None,
) -> bytes:
    """A WebM (or, with ``doc_type="matroska"``, an MKV) declaring ``duration_s``.

    Args:
        duration_s: Seconds; None leaves Duration out (a live recording).
        timecode_scale: Nanoseconds per tick written in Info; None omits it (default 1 ms).
        float_bytes: 4 or 8, the width of the Duration float.
        unknown_segment_size: Write the Segment's size as "unknown".
        before_info: Segment children written before Info (SeekHead, Void...).
        size_bytes: Pad with a Cluster of zeros to this total size.
    """
    header = ebml(
        0x1A45DFA3,
        ebml(0x4286, b"\x01")  # EBMLVersion
        + ebml(0x42F7, b"\x01")  # EBMLReadVersion
        + ebml(0x42F2, b"\x04")  # EBMLMaxIDLength
        + ebml(0x42F3, b"\x08")  # EBMLMaxSizeLength
        + ebml(0x4282, doc_type.encode())
        + ebml(0x4287, b"\x04")  # DocTypeVersion
        + ebml(0x4285, b"\x02"),  # DocTypeReadVersion
    )
    scale = timecode_scale if timecode_scale is not None else 1_000_000
    info = ebml(0x2AD7B1, scale.to_bytes(4, "big")) if timecode_scale is not None else b""
    if duration_s is not None:
        ticks = duration_s * 1e9 / scale
        info += ebml(0x4489, struct.pack(">f" if float_bytes == 4 else ">d", ticks))
    info += ebml(0x4D80, b"synthetic") + ebml(0x5741, b"synthetic")  # MuxingApp, WritingApp
    children = before_info + ebml(0x1549A966, info) + ebml(0x1654AE6B, b"")  # Info, Tracks
    head_len = len(header) + 4 + 8 + len(children)
    cluster = b""
    if size_bytes is not None:
        pad = max(0, size_bytes - head_len - 4 - 8)
        cluster = b"\x1f\x43\xb6\x75" + (0x01 << 56 | pad).to_bytes(8, "big") + b"\x00" * pad
    body = children + cluster
    size = UNKNOWN_SIZE if unknown_segment_size else (0x01 << 56 | len(body)).to_bytes(8, "big")
    return header + b"\x18\x53\x80\x67" + size + body
