"""Orientation from metadata only (no pixel decode) and typed errors for oversized images."""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image

from langchain_gemini_vision.errors import MediaTooLargeError
from langchain_gemini_vision.media import _images
from langchain_gemini_vision.media._images import display_size, normalise_image
from langchain_gemini_vision.media._prepare import prepare_media


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _png(
    width: int, height: int, *, idat: bytes | None = None, exif_after: int | None = None
) -> bytes:
    """An RGB PNG; ``idat`` replaces the real pixel data (e.g. with garbage)."""
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height)))
    parts = [
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        _chunk(b"IDAT", idat),
    ]
    if exif_after is not None:
        parts.append(_chunk(b"eXIf", _exif(exif_after)))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)


def test_png_exif_after_the_pixels_is_read_without_decoding_them() -> None:
    # The pixel data is garbage: any decode would fail, so a right answer proves none happened.
    data = _png(40, 30, idat=b"not zlib at all", exif_after=6)
    assert display_size(data, "image/png") == (30, 40)


def test_png_exif_after_the_pixels_is_applied_when_sending() -> None:
    image = normalise_image(_png(40, 30, exif_after=6), "image/png")
    assert image.orientation == 6
    assert image.display_size == (30, 40)
    assert Image.open(io.BytesIO(image.data)).size == (30, 40)


def test_png_without_exif_passes_through_untouched() -> None:
    data = _png(40, 30)
    image = normalise_image(data, "image/png")
    assert image.data is data
    assert image.orientation == 1


@pytest.mark.parametrize(("fmt", "mime"), [("WEBP", "image/webp"), ("JPEG", "image/jpeg")])
def test_webp_and_jpeg_orientation_come_from_their_metadata(fmt: str, mime: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, format=fmt, exif=_exif(8))
    assert display_size(out.getvalue(), mime) == (30, 40)


def test_heic_orientation_comes_from_its_metadata() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 10, 200)).save(out, format="HEIF", exif=_exif(6))
    # pillow-heif may apply the orientation itself on open; either way the upright size is 48x64.
    assert display_size(out.getvalue(), "image/heic") == (48, 64)


def test_png_header_claiming_100k_by_100k_pixels_is_media_too_large() -> None:
    data = _png(100_000, 100_000, idat=b"x")
    with pytest.raises(MediaTooLargeError) as info:
        prepare_media(data, expect="image")
    message = str(info.value)
    assert "10,000,000,000 pixels" in message
    assert "Downscale" in message


def test_image_between_pillows_warning_and_error_limits_is_media_too_large() -> None:
    data = _png(10_000, 10_000, idat=b"x")  # 100 MP: Pillow would only warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning may leak either
        with pytest.raises(MediaTooLargeError, match=r"10000x10000 = 100,000,000 pixels"):
            prepare_media(data, expect="image")


def test_raising_pillows_limit_raises_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _png(600, 500)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    with pytest.raises(MediaTooLargeError, match="100,000-pixel limit"):
        prepare_media(data, expect="image")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    assert prepare_media(data, expect="image").geometry is not None


def _stored_png(path: Path, width: int, height: int) -> None:
    """An RGB PNG in stored (uncompressed) deflate blocks: a large file from little work."""
    packer = zlib.compressobj(level=0)
    row = b"\x00" + bytes(range(256)) * (3 * width // 256) + b"\x00" * (3 * width % 256)
    with path.open("wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        for _ in range(height):
            data = packer.compress(row)
            if data:
                out.write(_chunk(b"IDAT", data))
        out.write(_chunk(b"IDAT", packer.flush()))
        out.write(_chunk(b"IEND", b""))


def test_a_large_image_file_is_sent_from_disk_not_read_into_memory(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    _stored_png(path, 3000, 2400)  # ~21.6 MB: over the inline limit
    prepared = prepare_media(path, expect="image")
    assert prepared.data is None and prepared.path == path.resolve()  # uploaded as is
    assert prepared.geometry is not None
    assert (prepared.geometry.display_width, prepared.geometry.display_height) == (3000, 2400)
    smaller = prepare_media(path, expect="image", max_image_side=600)
    assert smaller.data is not None and smaller.path is None
    assert Image.open(io.BytesIO(smaller.data)).size == (600, 480)
    assert smaller.geometry is not None and smaller.geometry.display_width == 3000


def test_a_decode_over_the_memory_budget_is_media_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "poster.png"
    _stored_png(path, 3000, 2400)
    monkeypatch.setattr(_images, "DECODE_PIXEL_BUDGET", 1_000_000)
    with pytest.raises(MediaTooLargeError) as info:
        prepare_media(path, expect="image", max_image_side=600)
    assert "7,200,000 pixels" in str(info.value) and "Downscale it first" in str(info.value)
    assert prepare_media(path, expect="image").path is not None  # as is: nothing to decode
