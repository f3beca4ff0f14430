"""MIME type from content, never from a file name (pure).

A model-chosen ``cat.png`` can be anything; only the magic bytes decide what we send.
"""

from __future__ import annotations

from langchain_gemini_vision.media._ebml import doc_type

SNIFF_BYTES = 64
"""How many leading bytes ``sniff_mime`` needs."""

# ISO base media ("ftyp") major brands, by what they are.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"heif", b"avif"}
_QUICKTIME_BRANDS = {b"qt  "}
_3GPP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3g2a", b"3g2b", b"3g2c", b"3ge6", b"3gg6"}
_AUDIO_MP4_BRANDS = {b"M4A ", b"M4B "}


def _ftyp_mime(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in _HEIC_BRANDS:
        return "image/heic"
    if brand in _HEIF_BRANDS:
        return "image/heif" if brand != b"avif" else None
    if brand in _QUICKTIME_BRANDS:
        return "video/mov"
    if brand in _3GPP_BRANDS:
        return "video/3gpp"
    if brand in _AUDIO_MP4_BRANDS:
        return "audio/aac"
    # isom, iso2..iso9, mp41, mp42, avc1, dash, M4V, MSNV, f4v...: all MPEG-4 video containers.
    return "video/mp4"


def _riff_mime(head: bytes) -> str | None:
    if len(head) < 12 or head[:4] != b"RIFF":
        return None
    return {
        b"WEBP": "image/webp",
        b"AVI ": "video/avi",
        b"WAVE": "audio/wav",
    }.get(head[8:12])


MATROSKA_MIME = "video/webm"
"""The MIME type an MKV (DocType ``matroska``) is sent as.

Gemini's list of video types has no ``video/x-matroska``; WebM is the Matroska container restricted
to a profile, so ``video/webm`` is the closest supported type and names the same container format
(one demuxer reads both). An MKV whose codecs fall outside what Gemini decodes fails at processing
with a ``FileProcessingError``, like any other undecodable video.
"""


def _matroska_mime(head: bytes) -> str | None:
    kind = doc_type(head)
    if kind == "webm":
        return "video/webm"
    if kind == "matroska":
        return MATROSKA_MIME
    return None


def sniff_mime(head: bytes) -> str | None:
    """Return the MIME type of content from its first bytes, or None when unrecognised.

    Args:
        head: At least the first ``SNIFF_BYTES`` bytes of the content (fewer if it is shorter).

    Returns:
        A MIME type string in Gemini's spelling (``video/mov``, ``audio/mp3``) or None.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"BM") and len(head) >= 14:
        return "image/bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"FLV\x01"):
        return "video/x-flv"
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return "video/mpeg"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "video/wmv"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio/aiff"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mp3"
    if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "audio/aac"
    return _ftyp_mime(head) or _riff_mime(head) or _matroska_mime(head)
