import pytest

from langchain_gemini_vision.media._ebml import doc_type
from langchain_gemini_vision.media._sniff import sniff_mime
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4, make_png
from tests._webm_support import make_webm


def _ftyp(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"mp41"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (make_png(4, 4), "image/png"),
        (make_jpeg(4, 4), "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"BM" + b"\x00" * 20, "image/bmp"),
        (b"II*\x00" + b"\x00" * 8, "image/tiff"),
        (_ftyp(b"heic"), "image/heic"),
        (_ftyp(b"mif1"), "image/heif"),
        (make_mp4(1.0), "video/mp4"),
        (_ftyp(b"qt  "), "video/mov"),
        (_ftyp(b"3gp4"), "video/3gpp"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        # An MKV is sent as video/webm (the closest type Gemini lists; see _sniff.MATROSKA_MIME).
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "video/webm"),
        (make_webm(10.0, doc_type="matroska"), "video/webm"),
        (make_webm(10.0), "video/webm"),
        # An EBML file that is neither (a DocType Gemini cannot read) is not a video.
        (make_webm(10.0, doc_type="mka-like"), None),
        (b"\x1a\x45\xdf\xa3\x84\x42\x86\x81\x01", None),  # no DocType
        (b"\x1a\x45\xdf\xa3matroska webm", None),  # magic, then garbage
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/avi"),
        (b"FLV\x01\x05", "video/x-flv"),
        (b"\x00\x00\x01\xba\x44", "video/mpeg"),
        (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9", "video/wmv"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"ID3\x04\x00", "audio/mp3"),
        (b"fLaC\x00", "audio/flac"),
        (b"OggS\x00", "audio/ogg"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"hello, world\n", None),
        (b"<!DOCTYPE html><html>", None),
        (b"", None),
    ],
)
def test_sniff_mime_by_content(head: bytes, expected: str | None) -> None:
    assert sniff_mime(head[:64]) == expected


@pytest.mark.parametrize("kind", ["webm", "matroska"])
def test_doc_type_tells_webm_from_matroska(kind: str) -> None:
    assert doc_type(make_webm(10.0, doc_type=kind)[:64]) == kind
