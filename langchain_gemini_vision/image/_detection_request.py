"""Building one detection call (pure): what to find, the prompt, the JSON schema, the request.

Separate from :mod:`langchain_gemini_vision.image.detection` (which makes the call) and from
``image._detection_parsing`` (which reads the answer) because it is the one place that decides
what is asked of the model; benchmarks and batch jobs build requests without sending them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from langchain_gemini_vision._core.validate import check_int
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.image.geometry import DisplaySize, display_size
from langchain_gemini_vision.media._options import normalise_media_resolution
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.types import SentImage

DEFAULT_MAX_OBJECTS = 25
MAX_MAX_OBJECTS = 1000

Target = str | Sequence[str]
"""What to find: free text ("every green object") or a list of labels (["cat", "dog"])."""

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
        sent_image: What was sent, when its pixels were read here.
    """

    messages: list[BaseMessage]
    call_kwargs: dict[str, Any]
    size: DisplaySize
    default_label: str
    warnings: list[str] = field(default_factory=list)
    sent_image: SentImage | None = None


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
        sent_image=prepared.sent_image(),
    )
