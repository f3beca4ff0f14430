"""Conversions to the vision ecosystem: supervision, COCO JSON and pandas (optional extras).

The libraries are imported only when a conversion is asked for, so ``import
langchain_gemini_vision`` never pays for numpy/pandas and works without them. This module imports
nothing from the package at run time but ``errors`` (``types`` delegates here; a run-time import
back would be a cycle).
"""

from __future__ import annotations

import base64
import importlib
import io
import re
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from langchain_gemini_vision.errors import ConfigurationError

if TYPE_CHECKING:
    from langchain_gemini_vision.types import Detection, DetectionResult, Transcript

_RUNS = re.compile(rb"\x00+|[^\x00]+")
TRANSCRIPT_COLUMNS = ("start_s", "end_s", "start_timestamp", "text", "speaker", "visual")


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigurationError(
            f"This conversion needs the optional library '{module}', which is not installed. "
            f'Install it with: pip install "langchain-gemini-vision[{extra}]"'
        ) from exc


def labels_of(result: DetectionResult) -> list[str]:
    """The distinct labels, sorted: index = supervision ``class_id``, index + 1 = COCO id."""
    return sorted({d.label for d in result.detections})


# --------------------------------------------------------------------------- masks


def _decode_png(png_base64: str) -> Image.Image:
    payload = png_base64.strip()
    if payload.startswith("data:"):
        payload = payload.partition(",")[2]
    raw = base64.b64decode(payload + "=" * (-len(payload) % 4))
    with Image.open(io.BytesIO(raw)) as opened:
        gray: Image.Image = opened.convert("L")
    return gray


def full_mask(detection: Detection, width: int, height: int) -> Image.Image | None:
    """The detection's mask as a binary mode ``L`` image of the whole picture (255 = object).

    A polygon is rasterised directly into the full image (exact); otherwise the box-sized PNG is
    scaled to the box if needed and pasted at the box's corner. None when there is no mask.
    """
    mask = detection.mask
    if mask is None or not (mask.polygon or mask.png_base64):
        return None
    canvas = Image.new("L", (width, height), 0)
    if mask.polygon:
        ImageDraw.Draw(canvas).polygon([(x, y) for x, y in mask.polygon], fill=255, outline=255)
        return canvas
    box = detection.box
    size = (max(box.width, 1), max(box.height, 1))
    local = _decode_png(mask.png_base64 or "")
    if local.size != size:
        local = local.resize(size, Image.Resampling.NEAREST)
    canvas.paste(local.point(lambda p: 255 if p > 127 else 0), (box.x_min, box.y_min))
    return canvas


# --------------------------------------------------------------------------- supervision


def to_supervision(result: DetectionResult) -> Any:
    """Build a ``supervision.Detections`` (see ``DetectionResult.to_supervision``)."""
    sv = require("supervision", "supervision")
    np = require("numpy", "supervision")
    labels = labels_of(result)
    index = {label: i for i, label in enumerate(labels)}
    dets = result.detections
    if not dets:
        empty = sv.Detections.empty()
        empty.data["class_name"] = np.array([], dtype=str)
        return empty
    xyxy = np.array([d.box.as_tuple() for d in dets], dtype=np.float32)
    confidences = [d.confidence for d in dets]
    masks = [full_mask(d, result.image_width, result.image_height) for d in dets]
    mask_array = None
    if any(m is not None for m in masks):
        blank = np.zeros((result.image_height, result.image_width), dtype=bool)
        mask_array = np.stack([blank if m is None else np.asarray(m) > 0 for m in masks])
    return sv.Detections(
        xyxy=xyxy,
        mask=mask_array,
        confidence=(
            np.array(confidences, dtype=np.float32)
            if all(c is not None for c in confidences)
            else None
        ),
        class_id=np.array([index[d.label] for d in dets], dtype=int),
        data={"class_name": np.array([d.label for d in dets], dtype=str)},
    )


# --------------------------------------------------------------------------- COCO


def rle_counts(mask: Image.Image) -> list[int]:
    """Uncompressed COCO RLE of a binary mask: run lengths in column-major order, zeros first."""
    # COCO (pycocotools) reads masks in Fortran order, down each column: the rows of the transpose.
    # A regex finds the runs in C; a per-pixel loop took 1.6 s on a 12 MP mask.
    column_major = mask.transpose(Image.Transpose.TRANSPOSE).tobytes()
    counts = [match.end() - match.start() for match in _RUNS.finditer(column_major)]
    if column_major[:1] != b"\x00":
        counts.insert(0, 0)  # RLE starts with a run of zeros, possibly empty
    return counts


def _segmentation(detection: Detection, mask: Image.Image | None) -> tuple[Any, int | None]:
    """COCO ``segmentation`` and the mask's pixel area; polygon when given, else RLE."""
    if mask is None:
        return [], None
    area = int(mask.histogram()[255])
    polygon = detection.mask.polygon if detection.mask else None
    if polygon:
        return [[float(v) for point in polygon for v in point]], area
    return {"counts": rle_counts(mask), "size": [mask.size[1], mask.size[0]]}, area


def to_coco(
    result: DetectionResult, *, image_id: int = 1, file_name: str = "image.png"
) -> dict[str, Any]:
    """Build a COCO JSON dict (see ``DetectionResult.to_coco``)."""
    labels = labels_of(result)
    category = {label: i for i, label in enumerate(labels, start=1)}
    annotations: list[dict[str, Any]] = []
    for number, det in enumerate(result.detections, start=1):
        box = det.box
        mask = full_mask(det, result.image_width, result.image_height)
        segmentation, mask_area = _segmentation(det, mask)
        annotation: dict[str, Any] = {
            "id": number,
            "image_id": image_id,
            "category_id": category[det.label],
            "bbox": [float(box.x_min), float(box.y_min), float(box.width), float(box.height)],
            "area": float(mask_area if mask_area is not None else box.area),
            "iscrowd": 0,
            "segmentation": segmentation,
        }
        if det.confidence is not None:
            annotation["score"] = det.confidence
        annotations.append(annotation)
    return {
        "images": [
            {
                "id": image_id,
                "file_name": file_name,
                "width": result.image_width,
                "height": result.image_height,
            }
        ],
        "annotations": annotations,
        "categories": [{"id": i, "name": label} for label, i in category.items()],
    }


# --------------------------------------------------------------------------- pandas


def to_dataframe(transcript: Transcript, stamp: Callable[..., str]) -> Any:
    """Build a ``pandas.DataFrame`` (see ``Transcript.to_dataframe``).

    ``stamp`` is ``types.format_timestamp``, passed in so this module never imports ``types``.
    """
    pd = require("pandas", "pandas")

    hours = (transcript.duration_s or 0) >= 3600 or any(
        s.start_s >= 3600 for s in transcript.segments
    )
    rows = [
        (
            seg.start_s,
            seg.end_s,
            stamp(seg.start_s, always_hours=hours),
            seg.text,
            seg.speaker,
            seg.visual,
        )
        for seg in transcript.segments
    ]
    frame = pd.DataFrame.from_records(rows, columns=list(TRANSCRIPT_COLUMNS))
    return frame.astype({"start_s": "float64", "end_s": "float64"})
