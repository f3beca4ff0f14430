"""Image normalisation: upright (EXIF), Gemini-supported format, optional downscale.

The rule is "the image a person sees is the image Gemini sees": EXIF orientation is applied before
sending, and the upright size is recorded so model coordinates map back to the user's pixels. When
nothing needs changing, the original bytes pass through untouched (no re-encode, no quality loss).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from PIL import Image, UnidentifiedImageError

from langchain_gemini_vision.errors import MediaTooLargeError, UnsupportedMediaError
from langchain_gemini_vision.media._image_meta import orientation_of

_SWAPS_AXES = {5, 6, 7, 8}
_JPEG_QUALITY = 90
_HEIF_TYPES = ("image/heic", "image/heif")
_CONVERT_TO_PNG = ("image/gif", "image/bmp", "image/tiff")

# Decompression bombs: a tiny file declaring a gigantic canvas. Pillow warns at ~89 MP; we refuse
# anything beyond this outright rather than decoding it.
MAX_IMAGE_PIXELS = 200_000_000
DECODE_PIXEL_BUDGET = 64_000_000
"""Most pixels decoded at once to rotate, convert or downscale: ~256 MB at 4 bytes a pixel, so
preparing any image stays within ~300 MB. JPEG counts after draft-mode scaling (1/2..1/8)."""


@dataclass
class NormalisedImage:
    """Bytes to send plus the sizes needed to map coordinates back."""

    data: bytes
    mime_type: str
    display_size: tuple[int, int]
    sent_size: tuple[int, int]
    orientation: int
    repairs: list[str] = field(default_factory=list)
    unchanged: bool = False


def _register_heif() -> None:
    try:
        import pillow_heif
    except ImportError as exc:
        raise UnsupportedMediaError(
            "This is a HEIC/HEIF image; reading it needs the 'heif' extra: "
            "pip install 'langchain-gemini-vision[heif]'."
        ) from exc
    pillow_heif.register_heif_opener()


def pixel_limit() -> int:
    """Most pixels an image may declare: Pillow's ``Image.MAX_IMAGE_PIXELS``, at most ours.

    A developer who raises Pillow's limit raises ours with it, up to ``MAX_IMAGE_PIXELS``.
    """
    pillow = Image.MAX_IMAGE_PIXELS
    return min(int(pillow), MAX_IMAGE_PIXELS) if pillow else MAX_IMAGE_PIXELS


def _too_large(pixels: int, size: str) -> MediaTooLargeError:
    return MediaTooLargeError(
        f"The image declares {size}{pixels:,} pixels, over the {pixel_limit():,}-pixel limit for "
        "decoding safely (PIL.Image.MAX_IMAGE_PIXELS). Downscale it first (e.g. "
        "`vipsthumbnail in.png -s 8192`, or export a smaller copy from any image editor), or, if "
        "you trust the file, raise PIL.Image.MAX_IMAGE_PIXELS."
    )


def open_image(fp: IO[bytes], mime_type: str) -> Image.Image:
    """Open an image from a seekable stream, reading its header only (no pixel decode).

    Raises:
        MediaTooLargeError: It declares more pixels than :func:`pixel_limit` (decompression bomb).
        UnsupportedMediaError: It is not a readable image, or HEIC support is missing.
    """
    if mime_type in _HEIF_TYPES:
        _register_heif()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; the size check below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(fp)
    except Image.DecompressionBombError as exc:
        match = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_large(int(match.group(1)) if match else 0, "") from exc
    except UnidentifiedImageError as exc:
        # Pillow's own message names an in-memory buffer, which tells the user nothing.
        raise UnsupportedMediaError(
            f"The {mime_type} data could not be read as an image; the file may be corrupt or "
            "truncated. Re-export or re-download it."
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise UnsupportedMediaError(
            f"The {mime_type} data could not be read as an image ({exc}); the file may be "
            "corrupt or truncated. Re-export or re-download it."
        ) from exc
    width, height = img.size
    if width <= 0 or height <= 0:
        raise UnsupportedMediaError(f"The {mime_type} image declares an empty {width}x{height}.")
    if width * height > pixel_limit():
        raise _too_large(width * height, f"{width}x{height} = ")
    return img


def _fit(
    size: tuple[int, int], max_side: int | None, max_pixels: int | None = None
) -> tuple[int, int]:
    """The largest size, aspect kept, within ``max_side`` and ``max_pixels`` (never enlarged)."""
    width, height = size
    by_side = max_side / max(width, height) if max_side else 1.0
    by_pixels = math.sqrt(max_pixels / (width * height)) if max_pixels else 1.0
    if min(by_side, by_pixels) >= 1:
        return size
    if max_pixels and by_pixels < by_side:  # rounded down: never over the pixel budget
        # The nudge keeps float error (4095.9999...) from costing a whole row or column.
        fitted = max(1, int(width * by_pixels + 1e-9)), max(1, int(height * by_pixels + 1e-9))
        if fitted[0] * fitted[1] > max_pixels:
            fitted = max(1, int(width * by_pixels)), max(1, int(height * by_pixels))
        return fitted
    return max(1, round(width * by_side)), max(1, round(height * by_side))


def _encode(img: Image.Image, mime_type: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    if mime_type == "image/jpeg" and img.mode in ("RGB", "L", "CMYK"):
        img.save(out, format="JPEG", quality=_JPEG_QUALITY)
        return out.getvalue(), "image/jpeg"
    if mime_type == "image/webp":
        img.save(out, format="WEBP", quality=_JPEG_QUALITY)
        return out.getvalue(), "image/webp"
    if img.mode not in ("RGB", "RGBA", "L", "LA", "P", "I", "I;16"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    img.save(out, format="PNG")
    return out.getvalue(), "image/png"


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _looks_complete(fp: IO[bytes], mime_type: str) -> bool:
    """Cheap end-of-stream check, so a truncated upload is caught without decoding pixels."""
    size = fp.seek(0, io.SEEK_END)
    fp.seek(max(size - 64, 0))
    tail = fp.read().rstrip(b"\x00\r\n ")[-16:]
    if mime_type == "image/jpeg":
        return tail.endswith(b"\xff\xd9")
    if mime_type == "image/png":
        return b"IEND" in tail
    if mime_type == "image/webp" and size >= 8:
        fp.seek(4)
        return int.from_bytes(fp.read(4), "little") + 8 <= size
    return True


def _corrupt(mime_type: str, exc: Exception) -> UnsupportedMediaError:
    return UnsupportedMediaError(
        f"The {mime_type} data could not be decoded ({exc}); the file may be corrupt or "
        "truncated. Re-export or re-download it."
    )


def _verify_pixels(img: Image.Image, fp: IO[bytes], mime_type: str) -> None:
    position = fp.tell()
    complete = _looks_complete(fp, mime_type)
    fp.seek(position)
    if complete:
        return
    try:
        img.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise _corrupt(mime_type, exc) from exc


def normalise_image(
    data: bytes, mime_type: str, *, max_side: int | None = None, max_pixels: int | None = None
) -> NormalisedImage:
    """Make ``data`` upright, in a type Gemini accepts, and within ``max_side``/``max_pixels``.

    Args:
        data: The image bytes.
        mime_type: Their sniffed MIME type.
        max_side: Longest side, in pixels, of the image to send; None: no side limit.
        max_pixels: Most pixels (width x height) of the image to send; None: no pixel limit. A
            soft limit (it carries the model's default budget): an image that cannot be shrunk
            within ``DECODE_PIXEL_BUDGET`` is prepared as if it were None.

    Returns:
        A ``NormalisedImage``; ``data`` is the original object when nothing had to change.

    Raises:
        UnsupportedMediaError: The bytes do not decode as an image, or HEIC support is missing.
        MediaTooLargeError: The image declares too many pixels to decode safely.
    """
    image = normalise_image_stream(
        io.BytesIO(data), mime_type, max_side=max_side, max_pixels=max_pixels
    )
    if image.unchanged:
        image.data = data
    return image


def _decoded_pixels(img: Image.Image, stored_target: tuple[int, int], drafts: bool) -> int:
    """Pixels Pillow will hold to produce ``stored_target`` (JPEG decodes at 1/2..1/8 scale)."""
    width, height = img.size
    scale = 1
    while drafts and scale < 8 and width // (2 * scale) >= stored_target[0]:
        if height // (2 * scale) < stored_target[1]:
            break
        scale *= 2
    return -(-width // scale) * -(-height // scale)


def _decode_cost(
    img: Image.Image, display: tuple[int, int], target: tuple[int, int], swaps: bool
) -> int:
    """Pixels decoded to turn the upright image into ``target`` (see ``_decoded_pixels``)."""
    stored_target = (target[1], target[0]) if swaps else target
    return _decoded_pixels(img, stored_target, img.format == "JPEG" and target != display)


def _over_budget(display: tuple[int, int], pixels: int) -> MediaTooLargeError:
    return MediaTooLargeError(
        f"Rotating, converting or downscaling this {display[0]}x{display[1]} image means decoding "
        f"{pixels:,} pixels (about {pixels * 4 // 1_000_000:,} MB), over the "
        f"{DECODE_PIXEL_BUDGET:,}-pixel budget that keeps memory bounded. Downscale it first "
        "(e.g. `vipsthumbnail in.png -s 4096`), or send it unchanged through the File API "
        '(max_image_side="original", and no EXIF rotation needed).'
    )


class _Plan(NamedTuple):
    """What preparing an image takes, decided from its header and metadata (no pixel decode)."""

    img: Image.Image
    orientation: int
    display: tuple[int, int]
    target: tuple[int, int]
    swaps: bool
    convert: bool

    @property
    def unchanged(self) -> bool:
        """Whether the original can be sent as it is (no rotation, downscale or conversion)."""
        return self.orientation == 1 and self.target == self.display and not self.convert


def _plan(fp: IO[bytes], mime_type: str, max_side: int | None, max_pixels: int | None) -> _Plan:
    img = open_image(fp, mime_type)
    orientation = orientation_of(img, fp)
    stored = img.size
    swaps = orientation in _SWAPS_AXES
    display = (stored[1], stored[0]) if swaps else stored
    target = _fit(display, max_side, max_pixels)
    if max_pixels and _decode_cost(img, display, target, swaps) > DECODE_PIXEL_BUDGET:
        # ``max_pixels`` is the model's default budget, not the caller's demand: an image too
        # large to shrink within the memory bound is sent as it would be without it (uploaded
        # from disk as is when nothing else must change), never refused because of the default.
        target = _fit(display, max_side)
    return _Plan(img, orientation, display, target, swaps, mime_type in _CONVERT_TO_PNG)


def unchanged_image(
    data: bytes, mime_type: str, *, max_side: int | None = None, max_pixels: int | None = None
) -> NormalisedImage | None:
    """``normalise_image``'s result when its header alone shows ``data`` passes through as is.

    Costs a header and metadata read, never a pixel decode, so it is safe on an event loop.
    None when anything needs a closer look: pixel work (rotation, downscale, conversion), a tail
    that does not look complete, or an error (``normalise_image`` then reports it in full).
    """
    fp = io.BytesIO(data)
    try:
        plan = _plan(fp, mime_type, max_side, max_pixels)
        complete = plan.unchanged and _looks_complete(fp, mime_type)
    except Exception:  # the full path reports it, with its own message
        return None
    if not complete:
        return None
    display = plan.display
    return NormalisedImage(data, mime_type, display, display, plan.orientation, unchanged=True)


def normalise_image_stream(
    fp: IO[bytes], mime_type: str, *, max_side: int | None = None, max_pixels: int | None = None
) -> NormalisedImage:
    """Like :func:`normalise_image`, reading from a seekable stream (a file is never read whole).

    Returns:
        A ``NormalisedImage`` whose ``unchanged`` flag says the original can be sent as it is
        (then ``data`` is empty: the caller has the original); otherwise ``data`` holds the
        re-encoded image.

    Raises:
        UnsupportedMediaError: It does not decode as an image, or HEIC support is missing.
        MediaTooLargeError: Too many pixels declared, or too many to decode within
            ``DECODE_PIXEL_BUDGET`` for the change needed.
    """
    plan = _plan(fp, mime_type, max_side, max_pixels)
    img, orientation, display, target, swaps, convert = plan
    if plan.unchanged:
        _verify_pixels(img, fp, mime_type)
        return NormalisedImage(b"", mime_type, display, display, orientation, unchanged=True)
    repairs: list[str] = []
    stored_target = (target[1], target[0]) if swaps else target
    pixels = _decode_cost(img, display, target, swaps)
    if pixels > DECODE_PIXEL_BUDGET:
        raise _over_budget(display, pixels)
    try:
        drafted = False
        if img.format == "JPEG" and target != display:
            # Draft mode lets libjpeg decode at 1/2, 1/4 or 1/8 scale straight from the DCT
            # coefficients: the main reason preprocessing a 12 MP photo takes milliseconds.
            drafted = img.draft("RGB", stored_target) is not None
        if convert:
            img.seek(0)
            repairs.append(
                f"converted {mime_type} to image/png (Gemini does not accept {mime_type})"
            )
        if img.size != stored_target:
            # Resize in the stored orientation and rotate last: the rotation then moves the
            # fewest pixels. After draft only a < 2x step is left, where an area average (BOX:
            # each output pixel is the mean of the input area it covers, the usual filter for
            # shrinking) is close to Lanczos for such a small step and cheaper than bilinear
            # (measured on a 2016x1512 -> 1536x1152 step: 20 ms against 33 ms).
            factor = min(img.size[0] // stored_target[0], img.size[1] // stored_target[1])
            if factor >= 2:
                img = img.reduce(factor)
            method = Image.Resampling.BOX if drafted else Image.Resampling.LANCZOS
            img = img.resize(stored_target, method)
        elif not drafted:
            img.load()
        if orientation in _TRANSPOSE:
            img = img.transpose(_TRANSPOSE[orientation])
            repairs.append(f"applied EXIF orientation {orientation} (image sent upright)")
        out_type = "image/png" if convert or mime_type in _HEIF_TYPES else mime_type
        encoded, sent_type = _encode(img, out_type)
    except (OSError, ValueError, SyntaxError) as exc:
        raise _corrupt(mime_type, exc) from exc
    if target != display:
        repairs.append(
            f"downscaled from {display[0]}x{display[1]} to {target[0]}x{target[1]} "
            "(coordinates are mapped back to the original)"
        )
    return NormalisedImage(encoded, sent_type, display, img.size, orientation, repairs)


def pil_to_bytes(img: Image.Image) -> bytes:
    """Encode a PIL image losslessly (PNG) for sending."""
    out = io.BytesIO()
    if img.mode not in ("RGB", "RGBA", "L", "LA", "P", "I", "I;16"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    img.save(out, format="PNG")
    return out.getvalue()


def display_size(data: bytes, mime_type: str) -> tuple[int, int]:
    """Upright size of an image without decoding its pixels."""
    fp = io.BytesIO(data)
    img = open_image(fp, mime_type)
    orientation = orientation_of(img, fp)
    w, h = img.size
    return (h, w) if orientation in _SWAPS_AXES else (w, h)
