"""Image metadata without pixel decoding: EXIF orientation for every format we open.

Pillow reads JPEG APP1, WebP EXIF, HEIC EXIF (pillow-heif) and TIFF tags when the image is
opened, so ``getexif()`` costs no decode for them. PNG is the exception: when the ``eXIf`` chunk
is not before the first ``IDAT``, ``PngImageFile.getexif()`` decodes every pixel to reach the
chunks after the image data (about 6 ms for a 640x480 PNG, more than the rest of a call). Here
the chunk headers are walked instead, seeking over each chunk's payload, so only the EXIF bytes
are read.
"""

from __future__ import annotations

import struct
from typing import IO

from PIL import Image

ORIENTATION_TAG = 0x0112
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_EXIF_BYTES = 1 << 20  # an eXIf chunk larger than this is not a real camera's EXIF


def _png_exif(fp: IO[bytes]) -> bytes | None:
    """The payload of the first ``eXIf`` chunk, read by walking chunk headers only."""
    position = fp.tell()
    try:
        fp.seek(0)
        if fp.read(8) != _PNG_SIGNATURE:
            return None
        while True:
            header = fp.read(8)
            if len(header) < 8:
                return None
            length, kind = struct.unpack(">I4s", header)
            if kind == b"eXIf":
                return fp.read(length) if length <= _MAX_EXIF_BYTES else None
            if kind == b"IEND":
                return None
            fp.seek(length + 4, 1)  # payload and CRC
    finally:
        fp.seek(position)


def orientation_of(img: Image.Image, fp: IO[bytes]) -> int:
    """The EXIF orientation (1-8) of an opened image, read from metadata only.

    Args:
        img: The image as returned by ``Image.open(fp)`` (pixels not loaded).
        fp: The seekable stream it was opened from; its position is restored.

    Returns:
        The orientation tag, or 1 when absent, malformed or out of range.
    """
    try:
        info = img.info
        if img.format == "PNG" and "exif" not in info and "Raw profile type exif" not in info:
            raw = _png_exif(fp)
            # Pillow's PNG getexif() skips its decode once "exif" is in info.
            info["exif"] = raw if raw is not None else b""
        value = int(img.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # malformed EXIF must not make an otherwise fine image unusable
        return 1
    return value if 1 <= value <= 8 else 1


# JPEG markers that carry no length (standalone) and the start-of-frame markers holding the size.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_JPEG_SOF = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
)
_JPEG_SCAN_LIMIT = 1 << 20  # a frame header further in than this: leave it to Pillow


def declared_size(data: bytes | bytearray) -> tuple[int, int] | None:
    """The (width, height) a PNG or JPEG header declares, parsed without Pillow.

    A hint only, for deciding where preparing an image may run (it costs microseconds where
    ``Image.open`` costs tens of them); the preparation itself re-reads everything with Pillow.
    None for other formats or anything malformed.
    """
    if data.startswith(_PNG_SIGNATURE):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return (width, height) if width and height else None
        return None
    if not data.startswith(b"\xff\xd8"):
        return None
    position, end = 2, min(len(data), _JPEG_SCAN_LIMIT)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return (width, height) if width and height else None
        if marker in (0xD9, 0xDA) or length < 2:  # end of image or start of scan before a frame
            return None
        position += 2 + length
    return None
