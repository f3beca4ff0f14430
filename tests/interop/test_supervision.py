"""DetectionResult.to_supervision() against the real supervision library."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from langchain_gemini_vision import ConfigurationError, DetectionResult

from .conftest import HEIGHT, WIDTH

with warnings.catch_warnings():
    # Without opencv, supervision warns that it uses its NumPy drawing backend; that is enough here.
    warnings.simplefilter("ignore", UserWarning)
    import supervision as sv


def test_boxes_labels_and_class_ids(detected: DetectionResult) -> None:
    det = detected.to_supervision()
    assert isinstance(det, sv.Detections)
    assert len(det) == 3
    assert det.xyxy.dtype.kind == "f"
    assert det.xyxy.tolist() == [[100, 50, 600, 250], [700, 250, 900, 450], [0, 0, 100, 50]]
    assert list(det.data["class_name"]) == ["cup", "plate", "cup"]
    assert det.class_id.tolist() == [0, 1, 0]  # index into sorted labels: cup, plate
    assert det.confidence is None  # Gemini gives no scores; supervision must not invent them


def test_masks_are_full_image_booleans(detected: DetectionResult) -> None:
    det = detected.to_supervision()
    assert det.mask is not None
    assert det.mask.shape == (3, HEIGHT, WIDTH) and det.mask.dtype == bool
    cup, plate, unmasked = det.mask
    # PNG mask: the left half of the box (100..599 x 50..249), nothing outside the box.
    assert cup[100, 120] and cup[249, 349] and not cup[100, 350] and not cup[100, 99]
    assert cup.sum() == 250 * 200
    # Polygon mask rasterised in place: the triangle (700,250) (700,450) (900,450).
    assert plate[440, 710] and not plate[260, 890]
    assert not unmasked.any()
    # supervision's own area uses the masks: proof the array is what it expects.
    assert det.area[0] == pytest.approx(250 * 200)


def test_usable_for_filtering_and_annotation(detected: DetectionResult) -> None:
    det = detected.to_supervision()
    cups = det[det.class_id == 0]
    assert list(cups.data["class_name"]) == ["cup", "cup"]
    scene = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        drawn = sv.BoxAnnotator(thickness=2).annotate(scene.copy(), det)
        drawn = sv.MaskAnnotator().annotate(drawn, det)
    assert drawn.shape == scene.shape
    assert (drawn[50, 300] != 255).any()  # the cup box's top edge is drawn
    assert (drawn[200, 200] != 255).any()  # inside the cup's mask: tinted
    assert (drawn[400, 50] == 255).all()  # far from every object: untouched


def test_empty_result_converts() -> None:
    det = DetectionResult(image_width=10, image_height=10).to_supervision()
    assert len(det) == 0 and det.is_empty()
    assert len(det.data["class_name"]) == 0


def test_missing_supervision_names_the_extra(
    detected: DetectionResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "supervision", None)  # import now raises ImportError
    with pytest.raises(ConfigurationError) as info:
        detected.to_supervision()
    assert 'pip install "langchain-gemini-vision[supervision]"' in str(info.value)
