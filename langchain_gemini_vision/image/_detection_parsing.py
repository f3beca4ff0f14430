"""Reading a detection answer (pure): lenient JSON in any wrapper -> pixel boxes and masks.

Separate from the request side because models answer in many shapes (fenced, wrapped, prose
around it, truncated, unlabelled entries) and every repair of the data must surface as a warning;
that tolerance is this module's whole job. Box and mask math lives in ``image.geometry``.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_gemini_vision._core.parsing import extract_json, unwrap_list
from langchain_gemini_vision._core.response import read_reply
from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.image._detection_request import DetectionRequest
from langchain_gemini_vision.image.geometry import (
    DisplaySize,
    SizeLike,
    box_from_gemini,
    display_size,
    mask_from_gemini,
)
from langchain_gemini_vision.types import Detection, DetectionResult

_WRAPPER_KEYS = ("boxes", "detections", "objects", "bounding_boxes", "items", "results")
_BOX_KEYS = ("box_2d", "box", "bbox", "bounding_box")
_LABEL_KEYS = ("label", "name", "object", "class")
_MASK_KEYS = ("mask", "polygon", "points", "segmentation")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in item and item[key] is not None:
            return item[key]
    return None


def _is_bare_box(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _items_of(value: Any) -> list[Any]:
    """The list of entries in a parsed answer, whatever wrapper the model used."""
    if _is_bare_box(value):
        return [{"box_2d": value}]
    if isinstance(value, dict) and _first(value, _BOX_KEYS) is not None:
        return [value]
    items, _key = unwrap_list(value, _WRAPPER_KEYS)
    return items


def _detection_from_item(
    item: Any, size: DisplaySize, default_label: str, index: int
) -> tuple[Detection | None, list[str]]:
    if _is_bare_box(item):
        item = {"box_2d": item}
    if not isinstance(item, dict):
        return None, [f"dropped entry {index}: not an object ({json.dumps(item)[:80]})"]
    warnings: list[str] = []
    raw_label = _first(item, _LABEL_KEYS)
    label = str(raw_label).strip() if raw_label is not None else ""
    if not label:
        label = default_label
        warnings.append(f"entry {index} had no label; used {label!r}")
    raw_box = _first(item, _BOX_KEYS)
    if raw_box is None:
        return None, [*warnings, f"dropped entry {index} ({label!r}): no box_2d"]
    converted = box_from_gemini(raw_box, size, label=label)
    warnings.extend(converted.warnings)
    if converted.box is None or converted.box_2d is None:
        return None, warnings
    mask = None
    raw_mask = _first(item, _MASK_KEYS)
    if raw_mask is not None:
        mask, mask_warnings = mask_from_gemini(raw_mask, converted.box, size)
        warnings.extend(f"{label!r}: {w}" for w in mask_warnings)
    confidence = item.get("confidence", item.get("score"))
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        confidence = None
    detection = Detection(
        label=label,
        box=converted.box,
        box_2d=converted.box_2d,
        mask=mask,
        confidence=None if confidence is None else float(confidence),
    )
    return detection, warnings


def parse_detections(
    text: str,
    size: SizeLike,
    *,
    default_label: str = "object",
    truncated: bool = False,
) -> DetectionResult:
    """Parse a detection answer into pixel boxes on the upright original image (pure).

    Accepts fenced or bare JSON arrays, ``{"boxes": [...]}``-style wrappers, prose around the JSON
    and truncated arrays (complete entries are kept, ``truncated`` is set). Formatting repairs
    (fences, prose, wrappers) are not warnings because they change nothing in the data; value
    repairs (clamping, swapping, dropping) are.

    Args:
        text: The model's raw answer.
        size: Display size of the upright original (``ImageGeometry`` or ``(width, height)``).
        default_label: Label for unlabelled entries.
        truncated: The answer was cut off (finish reason MAX_TOKENS).

    Returns:
        A ``DetectionResult`` (model and usage left empty for the caller to fill).

    Raises:
        ResponseParseError: No JSON list of detections could be recovered; carries the raw text.
    """
    dims = display_size(size)
    warnings: list[str] = []
    if truncated and not text.strip():
        warnings.append(
            "the answer was cut off (MAX_TOKENS) before any object was returned; raise "
            "max_output_tokens or lower max_objects"
        )
        return DetectionResult(
            image_width=dims.width, image_height=dims.height, warnings=warnings, truncated=True
        )
    parsed = extract_json(text)
    try:
        items = _items_of(parsed.value)
    except ResponseParseError as exc:
        raise ResponseParseError(
            "The model's answer holds JSON but no list of detections; see .raw_text.",
            raw_text=text,
        ) from exc
    if parsed.truncated:
        warnings.extend(parsed.repairs)
    elif truncated:
        warnings.append(
            "the answer hit the output token limit (MAX_TOKENS); some objects may be missing"
        )
    detections: list[Detection] = []
    for index, item in enumerate(items):
        detection, item_warnings = _detection_from_item(item, dims, default_label, index)
        warnings.extend(item_warnings)
        if detection is not None:
            detections.append(detection)
    return DetectionResult(
        detections=detections,
        image_width=dims.width,
        image_height=dims.height,
        warnings=warnings,
        truncated=truncated or parsed.truncated,
    )


def finish_detection(
    message: BaseMessage, request: DetectionRequest, *, fallback_model: str = ""
) -> DetectionResult:
    """Read a model reply for ``request`` into a ``DetectionResult`` (pure).

    Args:
        message: The model's reply.
        request: The request it answers (image size, default label, preparation notes).
        fallback_model: Model name to report when the reply does not name one.

    Returns:
        Pixel boxes on the upright original, with model, token usage and every repair in
        ``warnings``.

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The answer cannot be parsed.
    """
    reply = read_reply(message, fallback_model=fallback_model)
    result = parse_detections(
        reply.text, request.size, default_label=request.default_label, truncated=reply.truncated
    )
    return result.model_copy(
        update={
            "model": reply.model,
            "usage": reply.usage,
            "warnings": [*request.warnings, *result.warnings],
            "sent_image": request.sent_image,
        }
    )
