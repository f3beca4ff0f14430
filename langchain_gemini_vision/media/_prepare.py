"""Media core: turn whatever a user or an agent hands us into a correct Gemini request part.

Pipeline: classify the reference (pure) -> enforce the trust policy -> read/sniff the bytes ->
normalise images (EXIF orientation, GIF/BMP/TIFF -> PNG, optional downscale) -> ``PreparedMedia``,
which renders as a LangChain content block. Large local files are never read whole into memory here:
``PreparedMedia`` keeps the path and the File API layer (``files.py``) streams them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import enum
import mimetypes
import os
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from langchain_gemini_vision.errors import (
    MediaAccessError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.media._fetch import FetchLimits, fetch_url
from langchain_gemini_vision.media._images import (
    NormalisedImage,
    normalise_image,
    normalise_image_stream,
    pil_to_bytes,
)
from langchain_gemini_vision.media._safe_open import SafeFile, open_local
from langchain_gemini_vision.media._sniff import SNIFF_BYTES, sniff_mime
from langchain_gemini_vision.media._youtube_url import is_youtube_url, parse_youtube_url

if TYPE_CHECKING:
    from PIL import Image

    from langchain_gemini_vision.types import GeminiFile

INLINE_LIMIT_BYTES = 20 * 1024 * 1024
"""Inline request payload limit (files + system instructions) from the vision guide."""
FILE_API_LIMIT_BYTES = 2 * 1024**3
"""Per-file File API limit."""

IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
VIDEO_MIME_TYPES = (
    "video/mp4",
    "video/mpeg",
    "video/mov",
    "video/avi",
    "video/x-flv",
    "video/mpg",
    "video/webm",
    "video/wmv",
    "video/3gpp",
)
AUDIO_MIME_TYPES = (
    "audio/wav",
    "audio/mp3",
    "audio/aiff",
    "audio/aac",
    "audio/ogg",
    "audio/flac",
)
DOCUMENT_MIME_TYPES = ("application/pdf",)
CONVERTED_IMAGE_TYPES = ("image/gif", "image/bmp", "image/tiff")
"""Image types Gemini does not accept; we convert them to PNG."""

GEMINI_FILES_PREFIX = "https://generativelanguage.googleapis.com/v1beta/files/"

MediaInput = Union[str, "os.PathLike[str]", bytes, "Image.Image", "GeminiFile", "PreparedMedia"]
"""Anything the media core accepts: path, URL, data: URI, bytes, PIL image, File API file or name,
gs:// URI, YouTube URL, or an already prepared medium."""


class RefKind(str, enum.Enum):
    """What a media reference is, decided from its form alone (no I/O)."""

    PATH = "path"
    HTTP_URL = "http_url"
    DATA_URI = "data_uri"
    BYTES = "bytes"
    PIL_IMAGE = "pil_image"
    FILE_API = "file_api"
    GCS = "gcs"
    YOUTUBE = "youtube"
    PREPARED = "prepared"


@dataclass(frozen=True)
class MediaPolicy:
    """Which media references may be read, and how URLs are fetched.

    Attributes:
        allowed_dirs: Local paths must resolve (symlinks followed) under one of these; None allows
            any path (developers calling core functions); an empty tuple forbids local files.
        allow_urls: Whether http(s) URLs may be fetched at all.
        ssrf_guard: Refuse URLs whose host resolves to loopback, private, link-local, reserved or
            cloud-metadata addresses (checked again on every redirect).
        max_download_bytes: Cap on a fetched URL's body.
        download_timeout_s: Total time allowed for one fetch.
        max_redirects: Redirects followed at most.
        trusted_hosts: Hosts exempt from the SSRF guard (the developer vouches for them).
        allow_gcs: Whether ``gs://`` URIs may be used. Gemini reads them with the project's own
            credentials, so a tool lets a model name one only when the developer opts in.
        allow_hardlinks: With ``allowed_dirs``, read files that have more than one name (a hard
            link inside a folder can name a file from outside it). Ignored for any-path policies.
    """

    allowed_dirs: tuple[Path, ...] | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    max_download_bytes: int = INLINE_LIMIT_BYTES
    download_timeout_s: float = 30.0
    max_redirects: int = 5
    trusted_hosts: tuple[str, ...] = ()
    allow_gcs: bool = True
    allow_hardlinks: bool = False

    @classmethod
    def permissive(cls) -> MediaPolicy:
        """Policy for developer-facing functions and loaders: any path, guarded URL fetches."""
        return cls(allowed_dirs=None)

    @classmethod
    def for_tool(
        cls,
        allowed_dirs: Iterable[str | os.PathLike[str]] | None,
        *,
        allow_urls: bool = True,
        ssrf_guard: bool = True,
        allow_gcs: bool = False,
        allow_hardlinks: bool = False,
    ) -> MediaPolicy:
        """Policy for agent-facing tools: paths only under ``allowed_dirs`` (default: the cwd)."""
        dirs = (Path.cwd(),) if allowed_dirs is None else tuple(Path(d) for d in allowed_dirs)
        resolved = tuple(Path(os.path.realpath(d)) for d in dirs)
        return cls(
            allowed_dirs=resolved,
            allow_urls=allow_urls,
            ssrf_guard=ssrf_guard,
            allow_gcs=allow_gcs,
            allow_hardlinks=allow_hardlinks,
        )

    def describe(self) -> str:
        """One line for error messages: what this policy allows."""
        if self.allowed_dirs is None:
            paths = "any local path"
        elif not self.allowed_dirs:
            paths = "no local files"
        else:
            paths = "local files under " + ", ".join(repr(str(d)) for d in self.allowed_dirs)
        urls = (
            "no URLs"
            if not self.allow_urls
            else "http(s) URLs" + (" to public hosts" if self.ssrf_guard else "")
        )
        return f"{paths}; {urls}"


@dataclass(frozen=True)
class ImageGeometry:
    """Sizes needed to map model coordinates back to the user's image.

    Attributes:
        display_width: Width of the upright original (after EXIF orientation), in pixels.
        display_height: Height of the upright original.
        sent_width: Width of the image actually sent (after optional downscale).
        sent_height: Height of the image actually sent.
        exif_orientation: The EXIF orientation tag that was applied (1 = none).
    """

    display_width: int
    display_height: int
    sent_width: int
    sent_height: int
    exif_orientation: int = 1

    @property
    def scale_x(self) -> float:
        """Original pixels per sent pixel, horizontally."""
        return self.display_width / self.sent_width

    @property
    def scale_y(self) -> float:
        """Original pixels per sent pixel, vertically."""
        return self.display_height / self.sent_height


@dataclass
class PreparedMedia:
    """A medium ready to be put in a request.

    Exactly one of ``data`` (inline bytes), ``path`` (a local file too big to hold; the File API
    layer uploads it) or ``file_uri`` (File API, gs:// or YouTube) is the payload.

    Attributes:
        kind: ``"image"``, ``"video"``, ``"audio"``, ``"document"`` or ``"youtube"``.
        mime_type: Sniffed MIME type of what will be sent (empty for YouTube).
        source: Human-readable origin (path, URL, ``"<bytes>"``), never containing secrets.
        data: Bytes to send inline.
        path: Local file to upload through the File API.
        file_uri: A URI Gemini reads itself.
        size_bytes: Size of the payload when known.
        geometry: For images, the sizes for coordinate mapping.
        repairs: What normalisation changed (rotated, converted, downscaled), for ``warnings``.
        gemini_file: The File API resource when the medium lives there.
        opened: For ``path``, the verified open file that uploads read from (not the name).
    """

    kind: str
    mime_type: str
    source: str
    data: bytes | None = None
    path: Path | None = None
    file_uri: str | None = None
    size_bytes: int | None = None
    geometry: ImageGeometry | None = None
    repairs: list[str] = field(default_factory=list)
    gemini_file: GeminiFile | None = None
    start_offset_s: float | None = None
    opened: SafeFile | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        payload = (
            f"{len(self.data)} bytes inline"
            if self.data is not None
            else f"path={str(self.path)!r}"
            if self.path is not None
            else f"uri={self.file_uri!r}"
        )
        kind = self.kind or "?"
        return f"PreparedMedia({kind}, {self.mime_type or '-'}, {payload}, from {self.source!r})"

    @property
    def needs_upload(self) -> bool:
        """Whether this medium must go through the File API before it can be sent."""
        return self.file_uri is None and (self.data is None or not fits_inline(len(self.data)))

    def to_block(
        self,
        *,
        video_metadata: dict[str, Any] | None = None,
        media_resolution: str | None = None,
    ) -> dict[str, Any]:
        """Render as a LangChain content block that ``ChatGoogleGenerativeAI`` sends unchanged.

        Uses ``{"type": "media", ...}`` blocks because only they carry ``video_metadata`` (as the
        sibling ``videoMetadata`` of the part) through langchain-google-genai. Inline ``data`` is
        raw bytes, which langchain-google-genai hands to the SDK as they are: a base64 string
        would be encoded by us, then whitespace-stripped by a regex, validated by another and
        decoded again before the SDK re-encodes it (about 3 ms per MB, measured).

        Raises:
            MediaAccessError: The medium still needs uploading (call ``files.routed_media`` first).
        """
        block: dict[str, Any] = {"type": "media"}
        if self.file_uri is not None:
            block["file_uri"] = self.file_uri
            if self.mime_type:
                block["mime_type"] = self.mime_type
        elif self.data is not None and not self.needs_upload:
            block["data"] = self.data
            block["mime_type"] = self.mime_type
        else:
            raise MediaAccessError(
                f"{self.source} is too large to send inline ({self.size_bytes} bytes); it must be "
                "uploaded through the File API first (files.routed_media does this).",
                rule="size",
            )
        if video_metadata:
            block["video_metadata"] = video_metadata
        if media_resolution:
            # Sent per part: langchain-google-genai drops a constructor-level media_resolution.
            block["media_resolution"] = media_resolution
        return block


# --- classification (pure) -------------------------------------------------------------------

_FILE_API_NAME = re.compile(r"^files/[a-z0-9][a-z0-9-]{0,63}$")
_FILE_API_URI = re.compile(
    r"^https://generativelanguage\.googleapis\.com/(?:v1beta|v1|v1alpha)/(files/[a-z0-9-]+)$"
)
_INLINE_MARGIN_BYTES = 512 * 1024
"""Room for the prompt, schema and JSON framing in the same request."""


def fits_inline(raw_size: int) -> bool:
    """Whether ``raw_size`` bytes, base64-encoded, keep a request under the 20 MB inline limit."""
    return 4 * ((raw_size + 2) // 3) <= INLINE_LIMIT_BYTES - _INLINE_MARGIN_BYTES


def file_api_name(ref: str) -> str | None:
    """``files/<id>`` when ``ref`` is a File API name or URI, else None."""
    text = ref.strip()
    if _FILE_API_NAME.match(text):
        return text
    match = _FILE_API_URI.match(text)
    return match.group(1) if match else None


def classify(ref: object) -> RefKind:
    """Decide what kind of reference ``ref`` is, from its type and form alone.

    Raises:
        UnsupportedMediaError: ``ref`` is of a type the media core does not accept.
    """
    from langchain_gemini_vision.types import GeminiFile

    if isinstance(ref, PreparedMedia):
        return RefKind.PREPARED
    if isinstance(ref, GeminiFile):
        return RefKind.FILE_API
    if isinstance(ref, (bytes, bytearray, memoryview)):
        return RefKind.BYTES
    if isinstance(ref, os.PathLike):
        return RefKind.PATH
    if isinstance(ref, str):
        text = ref.strip()
        lowered = text.lower()
        if lowered.startswith("data:"):
            return RefKind.DATA_URI
        if file_api_name(text):
            return RefKind.FILE_API
        if lowered.startswith("gs://"):
            return RefKind.GCS
        if is_youtube_url(text):
            return RefKind.YOUTUBE
        if lowered.startswith(("http://", "https://")):
            return RefKind.HTTP_URL
        if re.match(r"^[a-z][a-z0-9+.-]*://", lowered):
            raise UnsupportedMediaError(
                f"Unsupported URL scheme in {text[:80]!r}: use a local path, an http(s) URL, a "
                "data: URI, a gs:// URI, a File API name (files/...) or a YouTube link."
            )
        return RefKind.PATH
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a hard dependency
        Image = None  # type: ignore[assignment]  # keeps the error below reachable without PIL
    if Image is not None and isinstance(ref, Image.Image):
        return RefKind.PIL_IMAGE
    raise UnsupportedMediaError(
        f"Cannot use a {type(ref).__name__} as media: pass a path, URL, data: URI, bytes, "
        "PIL image, File API file or name, gs:// URI or YouTube link."
    )


def kind_of_mime(mime_type: str) -> str:
    """``image`` / ``video`` / ``audio`` / ``document`` for a MIME type ("" when unknown)."""
    if mime_type.startswith("image/"):
        return "image"
    if mime_type.startswith("video/"):
        return "video"
    if mime_type.startswith("audio/"):
        return "audio"
    if mime_type in DOCUMENT_MIME_TYPES:
        return "document"
    return ""


def _supported_list() -> str:
    return (
        "images " + ", ".join(IMAGE_MIME_TYPES) + " (GIF, BMP and TIFF are converted to PNG); "
        "videos "
        + ", ".join(VIDEO_MIME_TYPES)
        + "; audio "
        + ", ".join(AUDIO_MIME_TYPES)
        + "; application/pdf"
    )


def _check_supported(mime: str | None, source: str, expect: str | None) -> str:
    supported = (
        IMAGE_MIME_TYPES
        + CONVERTED_IMAGE_TYPES
        + VIDEO_MIME_TYPES
        + AUDIO_MIME_TYPES
        + DOCUMENT_MIME_TYPES
    )
    if mime is None or mime not in supported:
        what = f"{mime} content" if mime else "content of an unrecognised type"
        raise UnsupportedMediaError(
            f"{source} holds {what}, which Gemini cannot read. Supported (detected from the "
            f"bytes, not the file name): {_supported_list()}."
        )
    if expect and kind_of_mime(mime) != expect:
        raise UnsupportedMediaError(
            f"{source} is {mime}, but an {expect} is needed here."
            if expect == "image"
            else f"{source} is {mime}, but a {expect} is needed here."
        )
    return mime


# --- reading ----------------------------------------------------------------------------------


def check_media_size(size: int, shown: str) -> None:
    """Refuse an empty file or one over the File API's 2 GB, before any byte is read or sent.

    Raises:
        MediaAccessError: ``rule="empty"`` for 0 bytes.
        MediaTooLargeError: Over 2 GB.
    """
    if size == 0:
        raise MediaAccessError(
            f"{shown} is empty (0 bytes); there is nothing to send. Check that it was written "
            "or downloaded completely.",
            rule="empty",
        )
    if size > FILE_API_LIMIT_BYTES:
        raise MediaTooLargeError(
            f"{shown} is {size / 1024**3:.2f} GiB; the Gemini File API accepts at most 2 GB "
            "(2,147,483,648 bytes) per file. Split it, or re-encode it at a lower bitrate, first."
        )


def _read_path(
    ref: str | os.PathLike[str],
    policy: MediaPolicy,
    expect: str | None,
    max_image_side: int | None = None,
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
                large_image = normalise_image_stream(opened.stream(), mime, max_side=max_image_side)
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
    data: bytes, source: str, expect: str | None, max_image_side: int | None
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
        image = normalise_image(data, mime, max_side=max_image_side)
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
) -> PreparedMedia:
    """Resolve a media reference into a ``PreparedMedia`` ready for a request.

    Args:
        ref: A path, http(s) URL, ``data:`` URI, bytes, PIL image, File API file or name, ``gs://``
            URI, YouTube link, or an already prepared medium.
        policy: Trust policy; tools pass ``MediaPolicy.for_tool(allowed_dirs)``. Default: any local
            path, SSRF-guarded URLs.
        max_image_side: Downscale images so their longest side is at most this (coordinates are
            still mapped back to the original).
        expect: ``"image"`` or ``"video"`` to refuse other kinds early.

    Raises:
        MediaAccessError: Refused by the policy, missing, empty or unreadable.
        MediaTooLargeError: Over a documented size limit.
        UnsupportedMediaError: Content is not a supported type.
        InvalidYouTubeURLError: A YouTube link that is not a single video.
    """
    policy = policy or MediaPolicy.permissive()
    kind = classify(ref)
    if kind is RefKind.PREPARED:
        assert isinstance(ref, PreparedMedia)
        return ref
    if kind is RefKind.FILE_API:
        return _from_file_api(ref)  # type: ignore[arg-type]  # classify() narrowed it
    if kind is RefKind.BYTES:
        return _from_bytes(bytes(ref), "<bytes>", expect, max_image_side)  # type: ignore[arg-type]
    if kind is RefKind.PIL_IMAGE:
        from PIL import Image

        assert isinstance(ref, Image.Image)
        return _from_bytes(pil_to_bytes(ref), "<PIL image>", expect, max_image_side)
    assert isinstance(ref, (str, os.PathLike))
    text = os.fspath(ref)
    if kind is RefKind.DATA_URI:
        return _from_bytes(_decode_data_uri(text), "<data: URI>", expect, max_image_side)
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
        return _from_bytes(body, text.strip(), expect, max_image_side)
    opened, mime, data, large_image = _read_path(ref, policy, expect, max_image_side)
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
    return _from_bytes(data, shown, expect, max_image_side)


async def aprepare_media(
    ref: MediaInput,
    *,
    policy: MediaPolicy | None = None,
    max_image_side: int | None = None,
    expect: str | None = None,
) -> PreparedMedia:
    """Async twin of :func:`prepare_media` (file and network I/O run in a worker thread)."""
    return await asyncio.to_thread(
        prepare_media, ref, policy=policy, max_image_side=max_image_side, expect=expect
    )
