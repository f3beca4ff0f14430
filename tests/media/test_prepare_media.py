"""Media core table tests: every input kind, orientation, pass-through, trust boundary."""

from __future__ import annotations

import base64
import io
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from langchain_gemini_vision.errors import (
    InvalidYouTubeURLError,
    MediaAccessError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.media._prepare import (
    GEMINI_FILES_PREFIX,
    MediaPolicy,
    RefKind,
    classify,
    fits_inline,
    prepare_media,
)
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4, make_png
from langchain_gemini_vision.types import GeminiFile

RED = (220, 30, 30)


def _decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def _is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 180 and pixel[1] < 90 and pixel[2] < 90


@pytest.mark.parametrize(
    ("ref", "kind"),
    [
        ("photo.jpg", RefKind.PATH),
        (Path("photo.jpg"), RefKind.PATH),
        ("https://example.com/a.png", RefKind.HTTP_URL),
        ("data:image/png;base64,AAAA", RefKind.DATA_URI),
        (b"\x89PNG", RefKind.BYTES),
        ("files/abc123xyz", RefKind.FILE_API),
        ("https://generativelanguage.googleapis.com/v1beta/files/abc123", RefKind.FILE_API),
        ("gs://bucket/video.mp4", RefKind.GCS),
        ("https://youtu.be/dQw4w9WgXcQ", RefKind.YOUTUBE),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", RefKind.YOUTUBE),
        (Image.new("RGB", (2, 2)), RefKind.PIL_IMAGE),
        (GeminiFile(name="files/abc"), RefKind.FILE_API),
    ],
)
def test_classify(ref: object, kind: RefKind) -> None:
    assert classify(ref) is kind


def test_classify_refuses_other_schemes_and_types() -> None:
    with pytest.raises(UnsupportedMediaError, match="scheme"):
        classify("ftp://example.com/a.png")
    with pytest.raises(UnsupportedMediaError, match="int"):
        classify(42)


@pytest.mark.parametrize(
    ("orientation", "expected_red_at"),
    [
        # Stored 400x300 with a red marker in its top-left quarter. Orientation 6 means "rotate
        # 90 degrees clockwise to display": the marker ends up top-right of a 300x400 image.
        (6, (300 - 1 - 3 * 300 // 16, 3 * 400 // 16)),
        # Orientation 8 rotates counter-clockwise: the marker ends up bottom-left.
        (8, (3 * 300 // 16, 400 - 1 - 3 * 400 // 16)),
    ],
)
def test_exif_rotated_jpeg_is_sent_upright(
    orientation: int, expected_red_at: tuple[int, int]
) -> None:
    prepared = prepare_media(make_jpeg(400, 300, orientation=orientation))
    assert prepared.geometry is not None
    assert (prepared.geometry.display_width, prepared.geometry.display_height) == (300, 400)
    assert prepared.geometry.exif_orientation == orientation
    assert prepared.data is not None
    sent = _decoded(prepared.data)
    assert sent.size == (300, 400)
    assert _is_red(sent.getpixel(expected_red_at))  # type: ignore[arg-type]
    assert any("EXIF orientation" in r for r in prepared.repairs)


def test_unrotated_jpeg_passes_through_byte_identical(tmp_path: Path) -> None:
    original = make_jpeg(640, 480)
    path = tmp_path / "plain.jpg"
    path.write_bytes(original)
    prepared = prepare_media(path)
    assert prepared.data == original
    assert prepared.mime_type == "image/jpeg"
    assert prepared.repairs == []
    block = prepared.to_block()
    assert block["data"] == original


def test_jpg_named_file_that_is_png_is_sent_as_png(tmp_path: Path) -> None:
    path = tmp_path / "really-a-png.jpg"
    path.write_bytes(make_png(32, 16))
    prepared = prepare_media(path)
    assert prepared.mime_type == "image/png"
    assert prepared.to_block()["mime_type"] == "image/png"


def test_text_file_named_png_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("just some text, not an image\n")
    with pytest.raises(UnsupportedMediaError, match="image/png, image/jpeg"):
        prepare_media(path)


def test_gif_bmp_tiff_are_converted_to_png() -> None:
    for fmt in ("GIF", "BMP", "TIFF"):
        out = io.BytesIO()
        Image.new("RGB", (20, 10), (1, 2, 3)).save(out, format=fmt)
        prepared = prepare_media(out.getvalue())
        assert prepared.mime_type == "image/png", fmt
        assert prepared.data is not None and prepared.data.startswith(b"\x89PNG")
        assert any("converted" in r for r in prepared.repairs)


def test_downscale_keeps_scale_factors() -> None:
    prepared = prepare_media(make_jpeg(4000, 3000, orientation=6), max_image_side=1000)
    g = prepared.geometry
    assert g is not None
    assert (g.display_width, g.display_height) == (3000, 4000)
    assert (g.sent_width, g.sent_height) == (750, 1000)
    assert g.scale_x == pytest.approx(4.0) and g.scale_y == pytest.approx(4.0)
    assert prepared.data is not None and _decoded(prepared.data).size == (750, 1000)


def test_corrupt_jpeg_is_a_typed_error() -> None:
    truncated = make_jpeg(64, 64)[:40]
    with pytest.raises(UnsupportedMediaError, match="corrupt or truncated"):
        prepare_media(truncated)


def test_pil_image_and_data_uri() -> None:
    prepared = prepare_media(Image.new("RGB", (12, 7), (9, 9, 9)))
    assert prepared.mime_type == "image/png" and prepared.geometry is not None
    assert (prepared.geometry.display_width, prepared.geometry.display_height) == (12, 7)
    uri = "data:image/jpeg;base64," + base64.b64encode(make_png(5, 5)).decode()
    assert prepare_media(uri).mime_type == "image/png"  # declared type ignored; bytes decide


def test_file_api_name_and_gemini_file() -> None:
    prepared = prepare_media("files/abc123")
    assert prepared.file_uri == GEMINI_FILES_PREFIX + "abc123"
    assert prepared.to_block() == {"type": "media", "file_uri": GEMINI_FILES_PREFIX + "abc123"}
    gf = GeminiFile(name="files/xyz", uri=GEMINI_FILES_PREFIX + "xyz", mime_type="video/mp4")
    prepared = prepare_media(gf)
    assert prepared.kind == "video" and prepared.gemini_file is gf


def test_gcs_and_youtube_pass_through() -> None:
    prepared = prepare_media("gs://bucket/clip.mov")
    assert (prepared.file_uri, prepared.mime_type, prepared.kind) == (
        "gs://bucket/clip.mov",
        "video/mov",
        "video",
    )
    yt = prepare_media("https://youtu.be/dQw4w9WgXcQ?si=track&t=1m5s")
    assert yt.kind == "youtube"
    assert yt.file_uri == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert yt.start_offset_s == 65
    with pytest.raises(InvalidYouTubeURLError):
        prepare_media("https://www.youtube.com/@somechannel")


def test_video_expectations_and_large_video_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMediaError, match="image is needed"):
        prepare_media(make_mp4(3.0), expect="image")
    big = tmp_path / "big.mp4"
    big.write_bytes(make_mp4(60.0))
    with big.open("r+b") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: the header stays, the size grows
    prepared = prepare_media(big)
    assert prepared.kind == "video" and prepared.data is None and prepared.path is not None
    assert prepared.needs_upload
    with pytest.raises(MediaAccessError, match="File API"):
        prepared.to_block()


def test_inline_limit_accounts_for_base64() -> None:
    assert fits_inline(14 * 1024 * 1024)
    assert not fits_inline(15 * 1024 * 1024)  # 20 MB once base64-encoded


def test_missing_empty_directory_and_too_large(tmp_path: Path) -> None:
    with pytest.raises(MediaAccessError, match="No such file"):
        prepare_media(tmp_path / "nope.jpg")
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(MediaAccessError, match="empty"):
        prepare_media(tmp_path / "empty.jpg")
    with pytest.raises(MediaAccessError, match="folder"):
        prepare_media(tmp_path)
    huge = tmp_path / "huge.mp4"
    huge.write_bytes(make_mp4(1.0))
    with huge.open("r+b") as handle:
        handle.truncate(2 * 1024**3 + 1)
    with pytest.raises(MediaTooLargeError, match="2 GB"):
        prepare_media(huge)


def test_allowed_dirs_follow_symlinks(tmp_path: Path) -> None:
    inside = tmp_path / "allowed"
    outside = tmp_path / "secret"
    inside.mkdir()
    outside.mkdir()
    (outside / "id.png").write_bytes(make_png(4, 4))
    (inside / "ok.png").write_bytes(make_png(4, 4))
    os.symlink(outside / "id.png", inside / "link.png")
    policy = MediaPolicy.for_tool([inside])
    assert prepare_media(inside / "ok.png", policy=policy).mime_type == "image/png"
    with pytest.raises(MediaAccessError, match="outside the folders") as info:
        prepare_media(inside / "link.png", policy=policy)
    assert info.value.rule == "allowed_dirs"
    with pytest.raises(MediaAccessError, match="outside the folders"):
        prepare_media(str(inside / ".." / "secret" / "id.png"), policy=policy)
    with pytest.raises(MediaAccessError, match="not allowed"):
        prepare_media(inside / "ok.png", policy=MediaPolicy.for_tool([]))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8080/x.jpg",
        "http://10.0.0.5/x.jpg",
        "http://[::1]/x.jpg",
        "http://[::ffff:127.0.0.1]/x.jpg",
        "http://0.0.0.0/x.jpg",
    ],
)
def test_ssrf_guard_refuses_non_public_addresses(url: str) -> None:
    with pytest.raises(MediaAccessError) as info:
        prepare_media(url)
    assert info.value.rule == "ssrf"


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    _Handler.routes = {
        "/cat.jpg": (200, {"Content-Type": "image/jpeg"}, make_png(8, 8)),
        "/page": (200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>hi</html>"),
        "/hop": (302, {"Location": f"http://localhost:{port}/cat.jpg"}, b""),
        "/big.png": (200, {}, make_png(8, 8) + b"\x00" * 5000),
    }
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_url_fetch_when_developer_trusts_host(web: str) -> None:
    trusted = MediaPolicy(trusted_hosts=("127.0.0.1",))
    prepared = prepare_media(f"{web}/cat.jpg", policy=trusted)
    assert prepared.mime_type == "image/png"  # sniffed, despite the server's Content-Type
    with pytest.raises(UnsupportedMediaError, match="HTML page"):
        prepare_media(f"{web}/page", policy=trusted)
    with pytest.raises(MediaAccessError, match="HTTP 404"):
        prepare_media(f"{web}/missing.png", policy=trusted)
    capped = MediaPolicy(trusted_hosts=("127.0.0.1",), max_download_bytes=1000)
    with pytest.raises(MediaAccessError, match="cap"):
        prepare_media(f"{web}/big.png", policy=capped)


def test_redirects_are_rechecked(web: str) -> None:
    # 127.0.0.1 is trusted but the redirect goes to "localhost", which is not: refused.
    trusted = MediaPolicy(trusted_hosts=("127.0.0.1",))
    with pytest.raises(MediaAccessError) as info:
        prepare_media(f"{web}/hop", policy=trusted)
    assert info.value.rule == "ssrf"
    unguarded = MediaPolicy(ssrf_guard=False)
    assert prepare_media(f"{web}/hop", policy=unguarded).mime_type == "image/png"


def test_urls_can_be_disabled() -> None:
    policy = MediaPolicy(allow_urls=False)
    with pytest.raises(MediaAccessError, match="URLs are not allowed"):
        prepare_media("https://example.com/a.png", policy=policy)


def test_truncated_jpeg_is_caught_even_without_rework() -> None:
    data = make_jpeg(320, 240)
    with pytest.raises(UnsupportedMediaError, match="corrupt or truncated"):
        prepare_media(data[: len(data) * 2 // 3])


def test_downscale_is_reported_even_when_draft_alone_reaches_the_size() -> None:
    prepared = prepare_media(make_jpeg(800, 600), max_image_side=200)
    assert prepared.geometry is not None and prepared.geometry.sent_width == 200
    assert any("downscaled from 800x600 to 200x150" in r for r in prepared.repairs)


def test_tools_need_an_opt_in_for_gcs() -> None:
    with pytest.raises(MediaAccessError, match="allow_gcs") as info:
        prepare_media("gs://bucket/clip.mp4", policy=MediaPolicy.for_tool([]))
    assert info.value.rule == "gcs"
    allowed = MediaPolicy.for_tool([], allow_gcs=True)
    assert prepare_media("gs://bucket/clip.mp4", policy=allowed).file_uri == "gs://bucket/clip.mp4"


def _heic(width: int, height: int, orientation: int = 1) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_heic_passes_through_with_its_size() -> None:
    data = _heic(64, 48)
    prepared = prepare_media(data)
    assert prepared.mime_type == "image/heic" and prepared.data == data
    assert prepared.geometry is not None
    assert (prepared.geometry.display_width, prepared.geometry.display_height) == (64, 48)


def test_heic_needing_work_is_sent_as_upright_png() -> None:
    prepared = prepare_media(_heic(64, 48), max_image_side=32)
    assert prepared.mime_type == "image/png" and prepared.data is not None
    assert _decoded(prepared.data).size == (32, 24)


def test_heic_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _heic(16, 16)
    monkeypatch.setitem(__import__("sys").modules, "pillow_heif", None)  # import now fails
    with pytest.raises(UnsupportedMediaError, match=r"langchain-gemini-vision\[heif\]"):
        prepare_media(data)
