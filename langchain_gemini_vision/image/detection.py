"""Object detection: labelled pixel boxes (and optional masks) for the image a person sees.

Shape (see PATTERNS.md #1): :func:`build_detection_request` (pure) -> one model call ->
:func:`parse_detections` (pure). :func:`detect_objects` and :func:`adetect_objects` differ only at
the call. Geometry lives in :mod:`langchain_gemini_vision.image.geometry`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.generation import ainvoke_model, invoke_model
from langchain_gemini_vision._core.parsing import extract_json, unwrap_list
from langchain_gemini_vision._core.response import read_reply
from langchain_gemini_vision._core.validate import check_bool, check_int
from langchain_gemini_vision.errors import InvalidRequestError, ResponseParseError
from langchain_gemini_vision.image._imaging import (
    aprepare_images,
    arouted_images,
    prepare_images,
    routed_images,
)
from langchain_gemini_vision.image.geometry import (
    DisplaySize,
    SizeLike,
    box_from_gemini,
    display_size,
    mask_from_gemini,
)
from langchain_gemini_vision.media._arg_checks import (
    check_image_call,
    check_image_size,
    check_media,
    check_target,
)
from langchain_gemini_vision.media._options import normalise_media_resolution
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy, PreparedMedia
from langchain_gemini_vision.types import Detection, DetectionResult

DEFAULT_MAX_OBJECTS = 25
MAX_MAX_OBJECTS = 1000

Target = str | Sequence[str]
"""What to find: free text ("every green object") or a list of labels (["cat", "dog"])."""

_WRAPPER_KEYS = ("boxes", "detections", "objects", "bounding_boxes", "items", "results")
_BOX_KEYS = ("box_2d", "box", "bbox", "bounding_box")
_LABEL_KEYS = ("label", "name", "object", "class")
_MASK_KEYS = ("mask", "polygon", "points", "segmentation")
_DEFAULT_LABEL_MAX_CHARS = 40


@dataclass(frozen=True)
class DetectionRequest:
    """Everything needed to send one detection call and read its answer.

    Attributes:
        messages: The chat messages (media first, then the prompt).
        call_kwargs: Per-call options for ``ChatGoogleGenerativeAI.invoke`` (JSON mode, schema).
        size: Display size of the upright original, for mapping boxes back.
        default_label: Label for entries the model left unlabelled.
        warnings: Notes from media preparation (rotation, downscale) to carry into the result.
    """

    messages: list[BaseMessage]
    call_kwargs: dict[str, Any]
    size: DisplaySize
    default_label: str
    warnings: list[str] = field(default_factory=list)


def normalise_target(target: Target) -> str | list[str]:
    """Strip the target; a label list keeps its non-empty, de-duplicated entries in order.

    Args:
        target: Free text ("the red car") or a list of labels.

    Returns:
        The stripped text, or the cleaned list of labels.

    Raises:
        InvalidRequestError: Nothing to look for.
    """
    if isinstance(target, str):
        text = target.strip()
        if not text:
            raise InvalidRequestError(
                "The detection target is empty; say what to find, e.g. 'every person' or "
                "['cat', 'dog']."
            )
        return text
    labels = list(dict.fromkeys(str(t).strip() for t in target if str(t).strip()))
    if not labels:
        raise InvalidRequestError(
            "The list of labels to detect is empty; pass at least one label, e.g. ['cat']."
        )
    return labels


def _check_max_objects(max_objects: int) -> None:
    check_int(max_objects, "max_objects", low=1, high=MAX_MAX_OBJECTS)


def _check_detect_args(
    image: object, target: object, max_objects: object, with_masks: object, image_size: object
) -> None:
    """Check the arguments only detection takes (cheap type and range tests, no I/O)."""
    check_media(image, "image")
    check_target(target)
    check_int(max_objects, "max_objects", low=1, high=MAX_MAX_OBJECTS)
    check_bool(with_masks, "with_masks")
    check_image_size(image_size)


def default_label_for(target: str | list[str]) -> str:
    """The label to use when the model leaves one out.

    Args:
        target: The normalised target (see :func:`normalise_target`).

    Returns:
        The single label asked for, a short free-text target itself, else ``"object"``.
    """
    if isinstance(target, list):
        return target[0] if len(target) == 1 else "object"
    return target if len(target) <= _DEFAULT_LABEL_MAX_CHARS else "object"


def detection_prompt(target: str | list[str], *, max_objects: int, with_masks: bool) -> str:
    """The instruction sent after the image.

    Args:
        target: The normalised target: free text or a list of labels.
        max_objects: At most this many objects are asked for.
        with_masks: Also ask for a PNG probability mask per object.

    Returns:
        The prompt, asking for ``box_2d`` on the 0-1000 grid as a bare JSON list.
    """
    if isinstance(target, list):
        what = (
            "every instance of these kinds of object: "
            + ", ".join(json.dumps(t) for t in target)
            + '. Use exactly one of those names as each object\'s "label"'
        )
    else:
        what = f"{target}. Use a short, descriptive, distinct label for each object"
    fields = (
        '"box_2d": [y_min, x_min, y_max, x_max] with integer coordinates normalized to 0-1000 '
        '(origin at the top-left), "label": the label'
    )
    if with_masks:
        fields += (
            ', and "mask": the segmentation mask inside that box as a base64 PNG probability '
            'map ("data:image/png;base64,...")'
        )
    return (
        f"Detect {what}. Return a JSON list with at most {max_objects} entries, one per "
        f"object, each with {fields}. Return an empty list if there is no such object. "
        "Return only the JSON, without code fences."
    )


def detection_schema(*, max_objects: int, with_masks: bool) -> dict[str, Any]:
    """The JSON schema sent as ``responseJsonSchema``.

    Args:
        max_objects: The list's ``maxItems``.
        with_masks: Require a ``mask`` string per object.

    Returns:
        A JSON schema of a list of ``{"box_2d": [4 integers], "label": str}`` objects.
    """
    properties: dict[str, Any] = {
        "box_2d": {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 4,
            "maxItems": 4,
            "description": "[y_min, x_min, y_max, x_max] normalized to 0-1000",
        },
        "label": {"type": "string"},
    }
    required = ["box_2d", "label"]
    if with_masks:
        properties["mask"] = {
            "type": "string",
            "description": "base64 PNG probability map of the box area (data:image/png;base64,...)",
        }
        required.append("mask")
    return {
        "type": "array",
        "maxItems": max_objects,
        "items": {"type": "object", "properties": properties, "required": required},
    }


def build_detection_request(
    prepared: PreparedMedia,
    target: Target,
    *,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    media_resolution: str | None = None,
    image_size: tuple[int, int] | None = None,
) -> DetectionRequest:
    """Build the detection call for one prepared image (pure).

    Args:
        prepared: The image, ready to send (inline data or a file URI).
        target: What to find.
        max_objects: Upper bound asked of the model.
        with_masks: Also ask for segmentation masks.
        media_resolution: ``"low"``, ``"medium"``, ``"high"`` or ``"ultra_high"`` (Gemini 3+).
        image_size: ``(width, height)`` of the upright original, needed only when the image is a
            File API reference whose pixels we never saw.

    Raises:
        InvalidRequestError: Empty target, out-of-range ``max_objects``, unknown resolution, or
            no way to know the image size.
    """
    goal = normalise_target(target)
    _check_max_objects(max_objects)
    resolution = normalise_media_resolution(media_resolution)
    if image_size is not None:
        size = display_size(image_size)
    elif prepared.geometry is not None:
        size = display_size(prepared.geometry)
    else:
        raise InvalidRequestError(
            f"Cannot map boxes to pixels for {prepared.source}: its size is unknown. Pass the "
            "image itself (path, URL, bytes or PIL image), or image_size=(width, height)."
        )
    prompt = detection_prompt(goal, max_objects=max_objects, with_masks=with_masks)
    content: list[str | dict[str, Any]] = [
        prepared.to_block(media_resolution=resolution),
        {"type": "text", "text": prompt},
    ]
    call_kwargs = {
        "response_mime_type": "application/json",
        "response_json_schema": detection_schema(max_objects=max_objects, with_masks=with_masks),
    }
    return DetectionRequest(
        messages=[HumanMessage(content=content)],
        call_kwargs=call_kwargs,
        size=size,
        default_label=default_label_for(goal),
        warnings=list(prepared.repairs),
    )


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
        }
    )


def _request_builder(
    target: Target,
    max_objects: int,
    with_masks: bool,
    media_resolution: str | None,
    image_size: tuple[int, int] | None,
) -> Callable[[PreparedMedia], DetectionRequest]:
    """Check the options before any I/O; return the builder of the request for the image."""
    normalise_target(target)
    _check_max_objects(max_objects)
    normalise_media_resolution(media_resolution)
    return functools.partial(
        build_detection_request,
        target=target,
        max_objects=max_objects,
        with_masks=with_masks,
        media_resolution=media_resolution,
        image_size=image_size,
    )


def detect_objects(
    image: MediaInput,
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    max_image_side: int | None = None,
    media_resolution: str | None = None,
    image_size: tuple[int, int] | None = None,
    policy: MediaPolicy | None = None,
) -> DetectionResult:
    """Find objects in an image and return their boxes in pixels of the upright original.

    Args:
        image: Path, URL, bytes, PIL image, ``data:`` URI or File API file.
        target: What to find: free text ("the red car") or a list of labels.
        llm: The Gemini chat model; built from the environment when omitted.
        max_objects: At most this many objects are asked for (default 25).
        with_masks: Also return segmentation masks (in image pixel space).
        max_image_side: Downscale before sending so the longest side is at most this; boxes are
            still returned in the original's pixels.
        media_resolution: ``"low"``, ``"medium"``, ``"high"`` or ``"ultra_high"`` (Gemini 3+).
        image_size: ``(width, height)``, only for File API images whose pixels are not local.
        policy: Trust policy for reading ``image`` (tools pass theirs); default permissive.

    Returns:
        A ``DetectionResult``; zero objects is a valid, empty result.

    Raises:
        InvalidRequestError: Empty target or bad option (before any request).
        UnsupportedMediaError: ``image`` is not a readable image.
        MediaAccessError: ``image`` is refused by the policy or cannot be fetched.
        ResponseBlockedError: Gemini blocked the request or answer.
        ResponseParseError: The answer cannot be parsed (``raw_text`` holds it).
    """
    _check_detect_args(image, target, max_objects, with_masks, image_size)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(target, max_objects, with_masks, media_resolution, image_size)
    model = resolve_llm(llm)
    prepared = prepare_images([image], policy=policy, max_image_side=max_image_side)
    with routed_images(prepared, model) as ready:
        request = build(ready[0])
        message = invoke_model(model, request.messages, request.call_kwargs, doing="detect objects")
    return finish_detection(message, request, fallback_model=model_name(model))


async def adetect_objects(
    image: MediaInput,
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    max_image_side: int | None = None,
    media_resolution: str | None = None,
    image_size: tuple[int, int] | None = None,
    policy: MediaPolicy | None = None,
) -> DetectionResult:
    """Async twin of :func:`detect_objects` (same arguments, result and errors)."""
    _check_detect_args(image, target, max_objects, with_masks, image_size)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(target, max_objects, with_masks, media_resolution, image_size)
    model = resolve_llm(llm)
    prepared = await aprepare_images([image], policy=policy, max_image_side=max_image_side)
    async with arouted_images(prepared, model) as ready:
        request = build(ready[0])
        message = await ainvoke_model(
            model, request.messages, request.call_kwargs, doing="detect objects"
        )
    return finish_detection(message, request, fallback_model=model_name(model))
