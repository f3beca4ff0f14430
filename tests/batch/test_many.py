"""Many images without Batch Mode: bounded concurrency, input order, errors kept in their slot."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from langchain_gemini_vision import caption_images, detect_objects_many
from langchain_gemini_vision.errors import (
    InvalidRequestError,
    ResponseParseError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.image.many import acaption_images, adetect_objects_many
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest, Reply

from ._media import write_images


def _images(tmp_path: Path, count: int) -> list[Path]:
    return write_images(tmp_path, count, width=40, height=30)


def test_caption_images_keeps_order_and_failed_slots(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = _images(tmp_path, 5)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image at all")
    inputs: list[Path] = [*paths[:2], broken, *paths[2:]]
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def answer(req: GenerateRequest) -> Reply:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight >= 2:
                release.set()
        release.wait(timeout=5)  # hold calls so that concurrency actually builds up
        with lock:
            in_flight -= 1
        size = req.media[0].image_size
        return Reply(text=f"{size[0]} px wide" if size else "?")

    fake_server.add_rule(handler=answer)
    results = caption_images(inputs, llm=fake_server.llm(max_retries=1), max_concurrency=2)
    assert [r.index for r in results] == list(range(6))
    assert [r.ok for r in results] == [True, True, False, True, True, True]
    assert isinstance(results[2].error, UnsupportedMediaError)
    texts = [r.result.text for r in results if r.result is not None]
    assert texts == ["40 px wide", "41 px wide", "42 px wide", "43 px wide", "44 px wide"]
    assert peak == 2


def test_detect_objects_many_async_twin_and_parse_errors(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = _images(tmp_path, 3)
    # Rules are tried newest first.
    fake_server.add_rule(json=[{"box_2d": [0, 0, 500, 500], "label": "thing"}])
    fake_server.add_rule(when=lambda r: r.media[0].image_size == (41, 30), text="no json here")
    llm = fake_server.llm(max_retries=1)
    sync = detect_objects_many(paths, "thing", llm=llm)
    both = asyncio.run(adetect_objects_many(paths, "thing", llm=llm, max_concurrency=3))
    for results in (sync, both):
        assert [r.ok for r in results] == [True, False, True]
        assert isinstance(results[1].error, ResponseParseError)
        first = results[0].result
        assert first is not None and first.detections[0].box.as_tuple() == (0, 0, 20, 15)
    captions = asyncio.run(acaption_images([], llm=llm))
    assert captions == []


def test_an_input_of_the_wrong_type_is_named_by_its_place_in_the_list(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    fake_server.add_rule(text="a caption")
    paths = _images(tmp_path, 2)
    inputs: list[object] = [paths[0], None, paths[1]]
    results = caption_images(inputs, llm=fake_server.llm())  # type: ignore[arg-type]
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, InvalidRequestError)
    assert str(results[1].error).startswith("images[1] ")
    assert len(fake_server.generate_requests()) == 2
