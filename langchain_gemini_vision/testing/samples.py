"""Small, deterministic sample media for tests, examples and benchmarks (no files shipped).

Each generator builds real, decodable content: JPEGs with a chosen EXIF orientation and a marker
whose position is known, and minimal MP4 files whose ``mvhd`` box carries a chosen duration.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageDraw

ORIENTATION_TAG = 0x0112


def make_image(
    width: int, height: int, *, color: tuple[int, int, int] = (40, 90, 160)
) -> Image.Image:
    """An RGB image with a red marker in the top-left quarter of the *stored* pixels.

    The marker spans ``[w/8, h/8, w/4, h/4]`` (x_min, y_min, x_max, y_max), so a test can tell
    whether an image reached the model upright.
    """
    img = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 8, height // 8, width // 4, height // 4), fill=(220, 30, 30))
    return img


def make_jpeg(
    width: int,
    height: int,
    *,
    orientation: int = 1,
    color: tuple[int, int, int] = (40, 90, 160),
    quality: int = 85,
) -> bytes:
    """A JPEG whose stored pixels are ``width`` x ``height``, tagged with an EXIF orientation.

    With orientation 6 or 8 a viewer shows it ``height`` x ``width``.
    """
    img = make_image(width, height, color=color)
    out = io.BytesIO()
    if orientation != 1:
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = orientation
        img.save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    else:
        img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def make_png(width: int, height: int, *, color: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A PNG of the given size with the same marker as :func:`make_image`."""
    out = io.BytesIO()
    make_image(width, height, color=color).save(out, format="PNG")
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_mp4(duration_s: float, *, size_bytes: int | None = None, timescale: int = 1000) -> bytes:
    """A minimal MP4 (``ftyp`` + ``moov/mvhd`` + ``mdat``) declaring ``duration_s``.

    It sniffs as ``video/mp4`` and its duration can be read from the container; it holds no real
    frames (the emulator never decodes video). ``size_bytes`` pads ``mdat`` to an exact size.
    """
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    mvhd_payload = (
        b"\x00\x00\x00\x00"  # version 0, flags
        + struct.pack(">IIII", 0, 0, timescale, round(duration_s * timescale))
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + b"\x00" * 10
        + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
        + b"\x00" * 24
        + struct.pack(">I", 2)  # next track id
    )
    moov = _box(b"moov", _box(b"mvhd", mvhd_payload))
    head = ftyp + moov
    mdat_payload_len = max(0, (size_bytes or 0) - len(head) - 8)
    return head + struct.pack(">I", 8 + mdat_payload_len) + b"mdat" + b"\x00" * mdat_payload_len
