"""What a batch item asks, built by the same code as the synchronous calls, and its parser.

A ``BatchRequest`` names a capability (caption, detect, video question) and its inputs. At submit
time it is prepared and built with the capability's own ``build_*_request`` (so a batch item is
the request ``caption_image`` / ``detect_objects`` / ``analyze_video`` would send); what the
parser needs later (display size, default label, warnings) is kept as JSON in the job file, so
results can be read by another process after a crash.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import BaseMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.validate import check_text
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.files._routing import routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.image import captioning, detection
from langchain_gemini_vision.image._imaging import _needs_routing, image_limits, prepare_images
from langchain_gemini_vision.image.geometry import DisplaySize
from langchain_gemini_vision.media._arg_checks import check_max_image_side, check_resolution
from langchain_gemini_vision.media._options import ImageSide
from langchain_gemini_vision.media._prepare import MediaInput, PreparedMedia
from langchain_gemini_vision.types import CaptionResult, DetectionResult, Transcript
from langchain_gemini_vision.video import qa as video_qa
from langchain_gemini_vision.video import transcription
from langchain_gemini_vision.video._options import ClipOptions, check_bounds, make_clip_options
from langchain_gemini_vision.video._source import (
    VideoSource,
    known_duration,
    prepare_video,
    routed_video,
)

Kind = Literal["caption", "detect", "video_question", "transcribe"]
BatchResult = CaptionResult | DetectionResult | Transcript


@dataclass(frozen=True)
class BatchRequest:
    """One batch item: a capability and its inputs (build with the helpers below).

    Attributes:
        kind: ``"caption"``, ``"detect"`` or ``"video_question"``.
        media: The image(s) or the video, in any form the synchronous call accepts.
        options: The capability's keyword options (``prompt``, ``style``, ``target``...).
        key: The item's key in the job (default: its zero-padded input index).
    """

    kind: Kind
    media: Any
    options: dict[str, Any] = field(default_factory=dict)
    key: str | None = None


def caption_request(
    images: MediaInput | Sequence[MediaInput],
    *,
    prompt: str | None = None,
    style: captioning.CaptionStyle = captioning.DEFAULT_STYLE,
    media_resolution: str | None = None,
    max_image_side: ImageSide = None,
    key: str | None = None,
) -> BatchRequest:
    """A captioning item (the arguments of :func:`~langchain_gemini_vision.caption_image`).

    Raises:
        InvalidRequestError: No image, too many, an unknown style or resolution.
    """
    refs = captioning._check_caption_args(images, prompt, style)
    check_resolution(media_resolution)
    check_max_image_side(max_image_side)
    check_text(key, "key")
    captioning._request_builder(refs, style, prompt, media_resolution)  # fail before any I/O
    options = {"prompt": prompt, "style": style, "media_resolution": media_resolution}
    return BatchRequest("caption", refs, {**options, "max_image_side": max_image_side}, key)


def detection_request(
    image: MediaInput,
    target: detection.Target,
    *,
    max_objects: int = detection.DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    media_resolution: str | None = None,
    max_image_side: ImageSide = None,
    image_size: tuple[int, int] | None = None,
    key: str | None = None,
) -> BatchRequest:
    """A detection item (the arguments of :func:`~langchain_gemini_vision.detect_objects`).

    Raises:
        InvalidRequestError: Empty target or an out-of-range option.
    """
    detection._check_detect_args(image, target, max_objects, with_masks, image_size)
    check_resolution(media_resolution)
    check_max_image_side(max_image_side)
    check_text(key, "key")
    detection._request_builder(target, max_objects, with_masks, media_resolution, image_size)
    options = {
        "target": target if isinstance(target, str) else list(target),
        "max_objects": max_objects,
        "with_masks": with_masks,
        "media_resolution": media_resolution,
        "max_image_side": max_image_side,
        "image_size": image_size,
    }
    return BatchRequest("detect", image, options, key)


def video_question_request(
    video: MediaInput, question: str, *, key: str | None = None, **clip: Any
) -> BatchRequest:
    """A question about a video (the arguments of :func:`~langchain_gemini_vision.analyze_video`).

    Raises:
        InvalidRequestError: Empty question or bad clip options.
    """
    video_qa.check_question(question)
    make_clip_options(**clip)
    return BatchRequest("video_question", video, {"question": question, **clip}, key)


def transcription_request(
    video: MediaInput, *, key: str | None = None, **options: Any
) -> BatchRequest:
    """A whole-video transcription: one item per window (the options of ``transcribe_video``).

    Raises:
        InvalidRequestError: Bad offsets, fps, window size or duration.
    """
    transcription.make_options(**options)
    return BatchRequest("transcribe", video, dict(options), key)


@dataclass(frozen=True)
class BuiltItem:
    """A request ready to convert: LangChain messages, per-call options and the parse context."""

    messages: list[BaseMessage]
    call_kwargs: dict[str, Any]
    context: dict[str, Any]


class MediaUploads:
    """Uploads media that cannot go inline, once per content, and remembers what it owns.

    Uploads are kept (``delete_after=False``): the job's requests reference them until its
    results are collected, and the job deletes them then.
    """

    def __init__(self, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager) -> None:
        self.llm = llm
        self.manager = manager
        self.owned: list[str] = []
        self.stack = contextlib.ExitStack()
        self._images: dict[str, PreparedMedia] = {}
        self._videos: dict[str, VideoSource] = {}

    def _own(self, original: PreparedMedia, ready: PreparedMedia) -> None:
        # A files/... name the caller passed is theirs; only what we uploaded is ours.
        file = ready.gemini_file
        if original.file_uri is None and file is not None and file.name not in self.owned:
            self.owned.append(file.name)

    def image(self, prepared: PreparedMedia) -> PreparedMedia:
        """The image ready to reference (uploaded once when it cannot go inline)."""
        if not _needs_routing(prepared):
            return prepared
        key = _content_key(prepared)
        if key not in self._images:
            ready = self.stack.enter_context(
                routed_media(prepared, llm=self.llm, manager=self.manager, delete_after=False)
            )
            self._own(prepared, ready)
            self._images[key] = ready
        return self._images[key]

    def video(self, video: MediaInput, clip: ClipOptions) -> VideoSource:
        """The video ready to reference (uploaded once per content)."""
        prepared = prepare_video(video)
        check_bounds(clip, known_duration(prepared, clip))
        key = _content_key(prepared)
        if key not in self._videos:
            source = self.stack.enter_context(
                routed_video(prepared, self.llm, clip, manager=self.manager)
            )
            self._own(prepared, source.media)
            self._videos[key] = source
        return self._videos[key]


def _content_key(prepared: PreparedMedia) -> str:
    if prepared.path is not None:
        return f"path:{prepared.path}"
    if prepared.data is not None:
        return "sha256:" + hashlib.sha256(prepared.data).hexdigest()
    return f"uri:{prepared.file_uri}"


def build_item(request: BatchRequest, uploads: MediaUploads) -> BuiltItem:
    """Prepare the media and build the request with the synchronous call's builder."""
    opts = dict(request.options)
    if request.kind == "caption":
        side, pixels = image_limits(
            opts.pop("max_image_side", None), uploads.llm, opts.get("media_resolution")
        )
        prepared = prepare_images(
            request.media, policy=None, max_image_side=side, max_image_pixels=pixels
        )
        built = captioning.build_caption_request([uploads.image(p) for p in prepared], **opts)
        return BuiltItem(built.messages, built.call_kwargs, {"warnings": built.warnings})
    if request.kind == "detect":
        side, pixels = image_limits(
            opts.pop("max_image_side", None), uploads.llm, opts.get("media_resolution")
        )
        (image,) = prepare_images(
            [request.media], policy=None, max_image_side=side, max_image_pixels=pixels
        )
        found = detection.build_detection_request(uploads.image(image), **opts)
        context = {
            "size": list(found.size),
            "default_label": found.default_label,
            "warnings": found.warnings,
        }
        return BuiltItem(found.messages, found.call_kwargs, context)
    if request.kind == "video_question":
        question = opts.pop("question")
        clip = make_clip_options(**opts, keep_upload=True)
        source = uploads.video(request.media, clip)
        asked = video_qa.build_question_request(source, question, clip)
        return BuiltItem(asked.messages, {}, {"warnings": asked.warnings})
    raise InvalidRequestError(f"Unknown batch request kind {request.kind!r}.")


def finish_item(
    kind: str, context: dict[str, Any], message: BaseMessage, *, model: str
) -> BatchResult:
    """Parse one answer into the synchronous call's result type (raises its parse errors)."""
    warnings = list(context.get("warnings") or [])
    if kind == "caption":
        request = captioning.CaptionRequest(messages=[], warnings=warnings)
        return captioning.finish_caption(message, request, fallback_model=model)
    if kind == "detect":
        width, height = context["size"]
        found = detection.DetectionRequest(
            messages=[],
            call_kwargs={},
            size=DisplaySize(int(width), int(height)),
            default_label=str(context.get("default_label") or ""),
            warnings=warnings,
        )
        return detection.finish_detection(message, found, fallback_model=model)
    if kind == "video_question":
        asked = video_qa.QuestionRequest(messages=[], warnings=warnings)
        return video_qa.finish_answer(message, asked, fallback_model=model)
    raise InvalidRequestError(f"Unknown batch item kind {kind!r} in the job file.")
