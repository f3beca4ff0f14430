"""DetectionResult.to_coco(): structure, and pycocotools reads it back to the same masks."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from langchain_gemini_vision import DetectionResult
from langchain_gemini_vision._interop import rle_counts

from .conftest import HEIGHT, WIDTH


def test_structure(detected: DetectionResult) -> None:
    coco = detected.to_coco(image_id=7, file_name="desk.png")
    assert coco["images"] == [{"id": 7, "file_name": "desk.png", "width": WIDTH, "height": HEIGHT}]
    assert coco["categories"] == [{"id": 1, "name": "cup"}, {"id": 2, "name": "plate"}]
    cup, plate, unmasked = coco["annotations"]
    assert [a["id"] for a in coco["annotations"]] == [1, 2, 3]
    assert {a["image_id"] for a in coco["annotations"]} == {7}
    assert [a["category_id"] for a in coco["annotations"]] == [1, 2, 1]
    assert all(a["iscrowd"] == 0 for a in coco["annotations"])
    assert cup["bbox"] == [100.0, 50.0, 500.0, 200.0]
    assert cup["area"] == 250 * 200  # the mask's pixels, not the box's
    assert cup["segmentation"]["size"] == [HEIGHT, WIDTH]
    assert sum(cup["segmentation"]["counts"]) == WIDTH * HEIGHT
    assert plate["segmentation"] == [[700.0, 250.0, 700.0, 450.0, 900.0, 450.0]]
    assert unmasked["segmentation"] == [] and unmasked["area"] == 100 * 50
    assert "score" not in cup
    json.dumps(coco)  # plain JSON, no numpy or pydantic objects


# pycocotools 2.0.11 calls numpy's __array__ the pre-2.0 way; the result is unaffected.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools.*")
def test_pycocotools_reads_the_same_masks(detected: DetectionResult, tmp_path: Path) -> None:
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(detected.to_coco(file_name="desk.png")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        masks = detected.to_supervision().mask
    api = COCO(str(path))
    assert api.getCatIds(catNms=["plate"]) == [2]
    cup, plate = api.loadAnns([1, 2])
    assert np.array_equal(api.annToMask(cup).astype(bool), masks[0])
    # pycocotools rasterises polygons by its own rule: it must agree closely, not bit for bit.
    decoded = api.annToMask(plate).astype(bool)
    assert (decoded != masks[1]).sum() < 0.02 * masks[1].sum()
    rle = mask_utils.frPyObjects(cup["segmentation"], HEIGHT, WIDTH)
    assert mask_utils.area(rle) == cup["area"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools.*")
@pytest.mark.parametrize("fill", ["random", "full", "empty"])
def test_rle_decodes_to_the_same_mask(fill: str) -> None:
    rng = np.random.default_rng(7)
    shape = (37, 53)  # odd sizes catch a row-major/column-major mix-up
    pixels = {
        "random": rng.random(shape) > 0.6,
        "full": np.ones(shape, dtype=bool),
        "empty": np.zeros(shape, dtype=bool),
    }[fill]
    mask = Image.fromarray(pixels.astype(np.uint8) * 255, mode="L")
    counts = rle_counts(mask)
    rle = mask_utils.frPyObjects({"counts": counts, "size": list(shape)}, *shape)
    assert np.array_equal(mask_utils.decode(rle).astype(bool), pixels)
