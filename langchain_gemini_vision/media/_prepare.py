"""Media core: turn whatever a user or an agent hands us into a correct Gemini request part.

Pipeline: classify the reference (pure) -> enforce the trust policy -> read/sniff the bytes ->
normalise images (EXIF orientation, GIF/BMP/TIFF -> PNG, optional downscale) -> ``PreparedMedia``,
which renders as a LangChain content block. Large local files are never read whole into memory here:
``PreparedMedia`` keeps the path and the File API layer (``files.py``) streams them.

This module reads and orchestrates; the pieces it composes live beside it, one job each:
``_references`` (what a reference is), ``_policy`` (what may be read), ``_limits`` (what Gemini
accepts) and ``_prepared`` (the result). Their public names are re-exported here, the import path
the rest of the package and its users know.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import mimetypes
import os
import urllib.parse
from typing import TYPE_CHECKING

from langchain_gemini_vision.errors import MediaAccessError, UnsupportedMediaError
from langchain_gemini_vision.media._fetch import FetchLimits, fetch_url
from langchain_gemini_vision.media._images import (
    NormalisedImage,
    normalise_image,
    normalise_image_stream,
    pil_to_bytes,
    unchanged_image,
)
from langchain_gemini_vision.media._limits import (
    AUDIO_MIME_TYPES,
    CONVERTED_IMAGE_TYPES,
    DOCUMENT_MIME_TYPES,
    FILE_API_LIMIT_BYTES,
    IMAGE_MIME_TYPES,
    INLINE_LIMIT_BYTES,
    VIDEO_MIME_TYPES,
    _check_supported,
    check_media_size,
    fits_inline,
    kind_of_mime,
)
from langchain_gemini_vision.media._policy import MediaPolicy
from langchain_gemini_vision.media._prepared import ImageGeometry, PreparedMedia
from langchain_gemini_vision.media._references import (
    GEMINI_FILES_PREFIX,
    MediaInput,
    RefKind,
    classify,
    file_api_name,
)
from langchain_gemini_vision.media._safe_open import SafeFile, open_local
from langchain_gemini_vision.media._sniff import SNIFF_BYTES, sniff_mime
from langchain_gemini_vision.media._youtube_url import parse_youtube_url

# Most bytes of a local image read and checked on the event loop (see ``_small_image_as_is``).
_AS_IS_MAX_BYTES = 2 * 1024 * 1024

if TYPE_CHECKING:
    from langchain_gemini_vision.types import GeminiFile

__all__ = [
    "AUDIO_MIME_TYPES",
    "CONVERTED_IMAGE_TYPES",
    "DOCUMENT_MIME_TYPES",
    "FILE_API_LIMIT_BYTES",
    "GEMINI_FILES_PREFIX",
    "IMAGE_MIME_TYPES",
    "INLINE_LIMIT_BYTES",
    "VIDEO_MIME_TYPES",
    "ImageGeometry",
    "MediaInput",
    "MediaPolicy",
    "PreparedMedia",
    "RefKind",
    "aprepare_media",
    "check_media_size",
    "classify",
    "file_api_name",
    "fits_inline",
    "kind_of_mime",
    "prepare_media",
]


# --- reading ----------------------------------------------------------------------------------


def _read_path(
    ref: str | os.PathLike[str],
    policy: MediaPolicy,
    expect: str | None,
    max_image_side: int | None = None,
    max_image_pixels: int | None = None,
) -> tuple[SafeFile, str, bytes | None, NormalisedImage | None]:
    """Open, verify and sniff a local file; read it whole only when it is small enough to matter.

    Everything is read from the verified descriptor (see ``media._safe_open``), never by name again.
    An image too large to send inline is normalised from that descriptor instead (its header,
    then, only when something must change, a bounded decode): never read whole into memory.
    The descriptor stays open only when the file itself will be uploaded.
    """
    opened = open_local(ref, roots=policy.allowed_dirs, allow_hardlinks=policy.allow_hardlinks)
    data: bytes | None = None
    large_image: NormalisedImage | None = None
    try:
        check_media_size(opened.size, opened.shown)
        mime = _check_supported(sniff_mime(opened.read_at(0, SNIFF_BYTES)), opened.shown, expect)
        if fits_inline(opened.size):
            data = opened.read_all()
        elif kind_of_mime(mime) == "image":
            try:
                large_image = normalise_image_stream(
                    opened.stream(), mime, max_side=max_image_side, max_pixels=max_image_pixels
                )
            except UnsupportedMediaError as exc:
                raise UnsupportedMediaError(f"{opened.shown}: {exc}") from exc
    except OSError as exc:
        opened.close()
        raise MediaAccessError(f"Cannot read {opened.shown}: {exc.strerror}.", rule="io") from exc
    except BaseException:
        opened.close()
        raise
    if data is not None or (large_image is not None and not large_image.unchanged):
        opened.close()
    return opened, mime, data, large_image


def _decode_data_uri(uri: str) -> bytes:
    header, sep, payload = uri.partition(",")
    if not sep:
        raise UnsupportedMediaError(
            "Malformed data: URI (no comma). Expected data:<mime>;base64,..."
        )
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise UnsupportedMediaError(f"The data: URI is not valid base64 ({exc}).") from exc
    return urllib.parse.unquote_to_bytes(payload)


def _from_bytes(
    data: bytes,
    source: str,
    expect: str | None,
    max_image_side: int | None,
    max_image_pixels: int | None = None,
) -> PreparedMedia:
    if not data:
        raise MediaAccessError(
            f"{source} is empty (0 bytes). Check that it was written or downloaded completely.",
            rule="empty",
        )
    mime = _check_supported(sniff_mime(data[:SNIFF_BYTES]), source, expect)
    kind = kind_of_mime(mime)
    if kind != "image":
        return PreparedMedia(kind, mime, source, data=data, size_bytes=len(data))
    try:
        image = normalise_image(data, mime, max_side=max_image_side, max_pixels=max_image_pixels)
    except UnsupportedMediaError as exc:
        raise UnsupportedMediaError(f"{source}: {exc}") from exc
    return _image_media(image, source)


def _image_media(
    image: NormalisedImage, source: str, *, opened: SafeFile | None = None
) -> PreparedMedia:
    """The prepared image: its (re-)encoded bytes, or, with ``opened``, the unchanged file."""
    geometry = ImageGeometry(
        display_width=image.display_size[0],
        display_height=image.display_size[1],
        sent_width=image.sent_size[0],
        sent_height=image.sent_size[1],
        exif_orientation=image.orientation,
    )
    if opened is not None:  # a large file needing no change: uploaded from disk as is
        return PreparedMedia(
            "image", image.mime_type, source, path=opened.real, size_bytes=opened.size,
            geometry=geometry, opened=opened,
        )  # fmt: skip
    data = image.data
    return PreparedMedia(
        "image", image.mime_type, source, data=data, size_bytes=len(data), geometry=geometry,
        repairs=image.repairs,
    )  # fmt: skip


def _from_file_api(ref: str | GeminiFile) -> PreparedMedia:
    from langchain_gemini_vision.types import GeminiFile

    if isinstance(ref, GeminiFile):
        uri = ref.uri or GEMINI_FILES_PREFIX + ref.name.removeprefix("files/")
        return PreparedMedia(
            kind_of_mime(ref.mime_type),
            ref.mime_type,
            ref.name,
            file_uri=uri,
            size_bytes=ref.size_bytes,
            gemini_file=ref,
        )
    name = file_api_name(ref)
    assert name is not None
    return PreparedMedia("", "", name, file_uri=GEMINI_FILES_PREFIX + name.removeprefix("files/"))


def _from_gcs(uri: str, expect: str | None) -> PreparedMedia:
    # gs:// objects cannot be sniffed from here; the extension is the only hint Gemini needs.
    guessed, _ = mimetypes.guess_type(uri)
    mime = {"video/quicktime": "video/mov", "audio/mpeg": "audio/mp3"}.get(guessed or "", guessed)
    kind = kind_of_mime(mime or "") or (expect or "")
    return PreparedMedia(kind, mime or "", uri, file_uri=uri)


def prepare_media(
    ref: MediaInput,
    *,
    policy: MediaPolicy | None = None,
    max_image_side: int | None = None,
    expect: str | None = None,
    max_image_pixels: int | None = None,
) -> PreparedMedia:
    """Resolve a media reference into a ``PreparedMedia`` ready for a request.

    Args:
        ref: A path, http(s) URL, ``data:`` URI, bytes, PIL image, File API file or name, ``gs://``
            URI, YouTube link, or an already prepared medium.
        policy: Trust policy; tools pass ``MediaPolicy.for_tool(allowed_dirs)``. Default: any local
            path, SSRF-guarded URLs.
        max_image_side: Downscale images so their longest side is at most this (coordinates are
            still mapped back to the original). None or 0: no side limit. The capabilities turn
            their own ``max_image_side`` into this and ``max_image_pixels`` with
            ``media._options.image_size_limits``.
        expect: ``"image"`` or ``"video"`` to refuse other kinds early.
        max_image_pixels: Downscale images to at most this many pixels (aspect kept).

    Raises:
        MediaAccessError: Refused by the policy, missing, empty or unreadable.
        MediaTooLargeError: Over a documented size limit.
        UnsupportedMediaError: Content is not a supported type.
        InvalidYouTubeURLError: A YouTube link that is not a single video.
    """
    policy = policy or MediaPolicy.permissive()
    sizes = (max_image_side or None, max_image_pixels)
    kind = classify(ref)
    if kind is RefKind.PREPARED:
        assert isinstance(ref, PreparedMedia)
        return ref
    if kind is RefKind.FILE_API:
        return _from_file_api(ref)  # type: ignore[arg-type]  # classify() narrowed it
    if kind is RefKind.BYTES:
        raw = bytes(ref)  # type: ignore[arg-type]  # classify() narrowed it
        return _from_bytes(raw, "<bytes>", expect, *sizes)
    if kind is RefKind.PIL_IMAGE:
        from PIL import Image

        assert isinstance(ref, Image.Image)
        return _from_bytes(pil_to_bytes(ref), "<PIL image>", expect, *sizes)
    assert isinstance(ref, (str, os.PathLike))
    text = os.fspath(ref)
    if kind is RefKind.DATA_URI:
        return _from_bytes(_decode_data_uri(text), "<data: URI>", expect, *sizes)
    if kind is RefKind.GCS:
        if not policy.allow_gcs:
            raise MediaAccessError(
                f"gs:// URIs are not allowed here ({text}); the developer can enable them with "
                "allow_gcs=True.",
                rule="gcs",
            )
        return _from_gcs(text.strip(), expect)
    if kind is RefKind.YOUTUBE:
        if expect == "image":
            raise UnsupportedMediaError(f"{text} is a YouTube video, but an image is needed here.")
        yt = parse_youtube_url(text)
        return PreparedMedia(
            "youtube", "", yt.canonical_url, file_uri=yt.canonical_url, start_offset_s=yt.start_s
        )
    if kind is RefKind.HTTP_URL:
        if not policy.allow_urls:
            raise MediaAccessError(
                f"URLs are not allowed here ({text}); pass a local file or ask the developer to "
                "enable allow_urls.",
                rule="urls",
            )
        limits = FetchLimits(
            guard=policy.ssrf_guard,
            max_bytes=policy.max_download_bytes,
            timeout_s=policy.download_timeout_s,
            max_redirects=policy.max_redirects,
            trusted_hosts=policy.trusted_hosts,
        )
        body, _final = fetch_url(text.strip(), limits)
        if body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            raise UnsupportedMediaError(
                f"{text} returned an HTML page, not media. Link to the image or video file itself."
            )
        return _from_bytes(body, text.strip(), expect, *sizes)
    return _from_path(ref, policy, expect, *sizes)


def _from_path(
    ref: str | os.PathLike[str],
    policy: MediaPolicy,
    expect: str | None,
    max_image_side: int | None,
    max_image_pixels: int | None,
) -> PreparedMedia:
    sizes = (max_image_side, max_image_pixels)
    opened, mime, data, large_image = _read_path(ref, policy, expect, *sizes)
    shown = os.fspath(ref)
    if large_image is not None:
        if large_image.unchanged:  # uploaded as is, streamed from the checked descriptor
            return _image_media(large_image, shown, opened=opened)
        return _image_media(large_image, shown)
    if data is None:
        # The upload streams from ``opened``: the file is never opened by name again.
        return PreparedMedia(
            kind_of_mime(mime), mime, shown, path=opened.real, size_bytes=opened.size, opened=opened
        )
    return _from_bytes(data, shown, expect, *sizes)


async def aprepare_media(
    ref: MediaInput,
    *,
    policy: MediaPolicy | None = None,
    max_image_side: int | None = None,
    expect: str | None = None,
    max_image_pixels: int | None = None,
) -> PreparedMedia:
    """Async twin of :func:`prepare_media` (file and network I/O run in a worker thread).

    A small local image that passes through unchanged is the exception: see
    :func:`_small_image_as_is`.
    """
    if expect == "image" and classify(ref) is RefKind.PATH:
        assert isinstance(ref, (str, os.PathLike))
        policy = policy or MediaPolicy.permissive()
        sizes = (max_image_side or None, max_image_pixels)
        prepared = _small_image_as_is(ref, policy, *sizes)
        if prepared is not None:
            return prepared
        return await asyncio.to_thread(_from_path, ref, policy, expect, *sizes)
    return await asyncio.to_thread(
        prepare_media,
        ref,
        policy=policy,
        max_image_side=max_image_side,
        expect=expect,
        max_image_pixels=max_image_pixels,
    )


def _small_image_as_is(
    ref: str | os.PathLike[str],
    policy: MediaPolicy,
    max_image_side: int | None,
    max_image_pixels: int | None,
) -> PreparedMedia | None:
    """A small local image file prepared on the calling thread when it passes through as is.

    At high concurrency a worker-thread hop per image cost more than the work it moved: 500
    detections of a 640x480 JPEG file at 64 in flight took ~3.5 ms more client CPU per request
    and ~30% more wall time with it. Opening a file under the policy's checks
    (``media._safe_open``), reading up to 2 MB and parsing its header take well under a
    millisecond, far from asyncio's 50 ms slow-callback mark. Only the answer "send the bytes
    as they are" is given here: None for anything else (large, not an image, pixel work
    needed, or any error), and the caller prepares it on a worker thread the usual way, which
    runs every check again and reports any failure with its full message.
    """
    opened = open_local(ref, roots=policy.allowed_dirs, allow_hardlinks=policy.allow_hardlinks)
    try:
        if not 0 < opened.size <= _AS_IS_MAX_BYTES:
            return None
        data = opened.read_all()
    except OSError:
        return None
    finally:
        opened.close()
    mime = sniff_mime(data[:SNIFF_BYTES])
    if mime not in IMAGE_MIME_TYPES:
        return None
    image = unchanged_image(data, mime, max_side=max_image_side, max_pixels=max_image_pixels)
    return None if image is None else _image_media(image, os.fspath(ref))
