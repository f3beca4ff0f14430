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
