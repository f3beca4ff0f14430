"""Images that go through the File API: files/... names and images over the inline limit."""

from __future__ import annotations

import io
import os

from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision import caption_image, detect_objects
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png


def test_file_api_name_is_resolved_before_captioning(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    record = server.add_file(mime_type="image/png", data=make_png(40, 30))
    server.add_rule(has_media="image/", text="A stored picture.")
    result = caption_image(record.name, llm=llm)
    assert result.text == "A stored picture."
    (request,) = server.generate_requests()
    (media,) = request.media
    assert media.source == "file" and media.file_name == record.name
    assert media.mime_type == "image/png"


def test_file_api_image_detection_uses_the_given_size(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    record = server.add_file(mime_type="image/png", data=make_png(400, 300))
    server.add_rule(text='[{"box_2d": [0, 0, 500, 250], "label": "corner"}]')
    result = detect_objects(record.name, "corner", llm=llm, image_size=(400, 300))
    assert result.detections[0].box.as_tuple() == (0, 0, 100, 150)


def test_image_over_the_inline_limit_is_uploaded_and_deleted(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    # Random pixels do not compress: a ~22 MB PNG, over the 20 MB inline request limit.
    noise = Image.frombytes("RGB", (2700, 2700), os.urandom(2700 * 2700 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    big = out.getvalue()
    assert len(big) > 20 * 1024 * 1024
    server.add_rule(text='[{"box_2d": [100, 100, 200, 200], "label": "speck"}]')
    # "original": the default size budget would shrink it to fit inline.
    result = detect_objects(big, "speck", llm=llm, max_image_side="original")
    assert result.detections[0].box.as_tuple() == (270, 270, 540, 540)
    (request,) = server.generate_requests()
    assert request.media[0].source == "file"  # sent by reference, not inline
    assert server.upload_bytes_received == len(big)
    name = request.media[0].file_name
    assert name is not None and name not in server.files  # the temporary upload was deleted
    assert any(r.method == "DELETE" and r.path.endswith(name) for r in server.requests)
