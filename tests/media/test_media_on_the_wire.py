"""What the media core produces, as the Gemini API receives it (real SDK + LangChain over HTTP)."""

from __future__ import annotations

import io
from pathlib import Path

from langchain_core.messages import HumanMessage
from PIL import Image

from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4, make_png


def _send(server: FakeGeminiServer, block: dict[str, object]) -> None:
    message = HumanMessage(content=[block, {"type": "text", "text": "What is this?"}])
    server.llm().invoke([message])


def test_rotated_jpeg_arrives_upright(fake_server: FakeGeminiServer) -> None:
    _send(fake_server, prepare_media(make_jpeg(400, 300, orientation=6)).to_block())
    (request,) = fake_server.generate_requests()
    part = request.media[0]
    assert part.mime_type == "image/jpeg" and part.data is not None
    sent = Image.open(io.BytesIO(part.data)).convert("RGB")
    assert sent.size == (300, 400)
    red = sent.getpixel((300 - 1 - 3 * 300 // 16, 3 * 400 // 16))
    assert isinstance(red, tuple) and red[0] > 180 and red[1] < 90
    # The text prompt follows the media, as the vision guide advises.
    parts = request.body["contents"][0]["parts"]
    assert "inlineData" in parts[0] and "text" in parts[1]


def test_unrotated_jpeg_arrives_byte_identical(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    original = make_jpeg(320, 240)
    (tmp_path / "a.jpg").write_bytes(original)
    _send(fake_server, prepare_media(tmp_path / "a.jpg").to_block())
    assert fake_server.generate_requests()[0].media[0].data == original


def test_png_named_jpg_arrives_as_png(fake_server: FakeGeminiServer, tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(make_png(16, 16))
    _send(fake_server, prepare_media(tmp_path / "photo.jpg").to_block())
    assert fake_server.generate_requests()[0].media[0].mime_type == "image/png"


def test_video_metadata_is_a_sibling_of_inline_data(fake_server: FakeGeminiServer) -> None:
    block = prepare_media(make_mp4(120.0)).to_block(
        video_metadata={"start_offset": "40s", "end_offset": "80s", "fps": 2}
    )
    _send(fake_server, block)
    raw = fake_server.generate_requests()[0].body["contents"][0]["parts"][0]
    # The SDK writes some fields in snake_case (the API accepts both spellings); what matters is
    # that the metadata sits in the same part as the data, not in a part of its own.
    assert {"inline_data", "video_metadata"} <= set(raw) or {"inlineData", "videoMetadata"} <= set(
        raw
    )
    part = fake_server.generate_requests()[0].media[0]
    assert part.mime_type == "video/mp4"
    assert part.video_metadata is not None
    assert {k: str(v) for k, v in part.video_metadata.items()} == {
        "startOffset": "40s",
        "endOffset": "80s",
        "fps": "2.0",
    }


def test_youtube_link_is_one_file_data_part(fake_server: FakeGeminiServer) -> None:
    _send(fake_server, prepare_media("https://youtu.be/dQw4w9WgXcQ?si=abc").to_block())
    (part,) = fake_server.generate_requests()[0].media
    assert part.source == "youtube"
    assert part.file_uri == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
