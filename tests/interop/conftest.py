"""A detection with a PNG mask, a polygon mask and no mask, made by the real pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from langchain_gemini_vision import DetectionResult, detect_objects
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png

# A probability map (the model's PNG mask) whose left half is the object.
from ..image.test_detect_emulator import _probability_mask as left_half_mask

WIDTH, HEIGHT = 1000, 500


ANSWER = [
    # box (100, 50, 600, 250) px; its mask: the left half, x 100..349
    {"box_2d": [100, 100, 500, 600], "label": "cup", "mask": left_half_mask((80, 80))},
    # box (700, 250, 900, 450) px; a triangle polygon as [y, x] grid points
    {
        "box_2d": [500, 700, 900, 900],
        "label": "plate",
        "mask": [[500, 700], [900, 700], [900, 900]],
    },
    {"box_2d": [0, 0, 100, 100], "label": "cup", "mask": "not a png"},
]


@pytest.fixture(scope="package")
def detected() -> Iterator[DetectionResult]:
    with FakeGeminiServer() as server:
        server.add_rule(has_media="image/", text="```json\n" + json.dumps(ANSWER) + "\n```")
        yield detect_objects(
            make_png(WIDTH, HEIGHT), "cups and plates", llm=server.llm(), with_masks=True
        )
