"""Image rows: per-call tax of a small caption and a 12 MP photo, preprocessing, bytes sent."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from _harness import Row, interleaved_s
from bench_image import naive_preprocess, package_preprocess, phone_photo
from langchain_core.messages import HumanMessage
from PIL import Image

from langchain_gemini_vision import caption_image
from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer

PROMPT = "Describe this image in detail."


def small_png() -> bytes:
    img = Image.effect_noise((640, 480), 40).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _hand_written(llm: object, data: bytes, mime: str) -> object:
    """The call a developer writes by hand with ``ChatGoogleGenerativeAI`` and the same bytes."""
    message = HumanMessage(
        content=[
            {"type": "media", "data": data, "mime_type": mime},
            {"type": "text", "text": PROMPT},
        ]
    )
    return llm.invoke([message]).content  # type: ignore[attr-defined]


def _caption_row(
    what: str,
    hand: Callable[[], object],
    ours: Callable[[], object],
    runs_warmup: tuple[int, int],
    bar: float,
) -> Row:
    t = interleaved_s({"hand": hand, "ours": ours}, *runs_warmup)
    return Row(
        what, f"{t['ours'] * 1e3:.2f} ms", f"{t['hand'] * 1e3:.2f} ms", t["ours"] / t["hand"], bar
    )


def rows(smoke: bool) -> list[Row]:
    out: list[Row] = []
    png = small_png()
    photo = phone_photo()
    with FakeGeminiServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.add_rule(text="a caption")
        llm = server.llm()
        photo_path = Path(tmp) / "phone.jpg"
        photo_path.write_bytes(photo)
        out.append(
            _caption_row(
                "caption 640x480 PNG per call vs hand-written invoke",
                lambda: _hand_written(llm, png, "image/png"),
                lambda: caption_image(png, llm=llm, prompt=PROMPT),
                (5, 2) if smoke else (150, 20),
                1.05,
            )
        )
        out.append(
            _caption_row(
                "caption 12 MP JPEG per call vs hand-written invoke",
                lambda: _hand_written(llm, photo_path.read_bytes(), "image/jpeg"),
                lambda: caption_image(photo_path, llm=llm, prompt=PROMPT),
                (3, 1) if smoke else (20, 3),
                0.7,
            )
        )
    runs = 2 if smoke else 15
    t = interleaved_s(
        {"naive": lambda: naive_preprocess(photo), "ours": lambda: package_preprocess(photo)},
        runs,
        warmup=1,
    )
    out.append(
        Row(
            "12 MP JPEG to upright 1536 px vs naive PIL pipeline",
            f"{t['ours'] * 1e3:.1f} ms",
            f"{t['naive'] * 1e3:.1f} ms",
            t["ours"] / t["naive"],
            0.33,
        )
    )
    sent = prepare_media(photo, expect="image")
    assert sent.data is not None and sent.geometry is not None
    out.append(
        Row(
            "bytes sent by default for a 12 MP phone photo vs the file",
            f"{len(sent.data) / 1e6:.2f} MB",
            f"{len(photo) / 1e6:.2f} MB",
            len(sent.data) / len(photo),
            0.5,
            note=f"sent {sent.geometry.sent_width}x{sent.geometry.sent_height}; the issue's bar "
            "is 'the smallest size that loses nothing the model can see': 0.5 is a placeholder "
            "until a default max_image_side per model exists",
        )
    )
    return out
