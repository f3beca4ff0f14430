"""Old import path of :mod:`langchain_gemini_vision.image.detection`, kept for existing code."""

from langchain_gemini_vision.image.detection import (
    DEFAULT_MAX_OBJECTS,
    MAX_MAX_OBJECTS,
    DetectionRequest,
    Target,
    adetect_objects,
    build_detection_request,
    default_label_for,
    detect_objects,
    detection_prompt,
    detection_schema,
    finish_detection,
    normalise_target,
    parse_detections,
)

__all__ = [
    "DEFAULT_MAX_OBJECTS",
    "MAX_MAX_OBJECTS",
    "DetectionRequest",
    "Target",
    "adetect_objects",
    "build_detection_request",
    "default_label_for",
    "detect_objects",
    "detection_prompt",
    "detection_schema",
    "finish_detection",
    "normalise_target",
    "parse_detections",
]
