"""Image tools: ``gemini_caption_image`` and ``gemini_detect_objects`` (thin adapters)."""

import asyncio
import uuid
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from langchain_gemini_vision.image._imaging import aprepare_image, image_limits, prepare_image
from langchain_gemini_vision.image.annotate import annotate_image
from langchain_gemini_vision.image.captioning import (
    TRUNCATED_WARNING,
    CaptionStyle,
    acaption_image,
    as_image_list,
    caption_image,
)
from langchain_gemini_vision.image.detection import (
    DEFAULT_MAX_OBJECTS,
    adetect_objects,
    detect_objects,
    normalise_target,
)
from langchain_gemini_vision.media._options import ImageSide
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.tools._base import GeminiVisionBaseTool, child_config
from langchain_gemini_vision.types import CaptionResult, DetectionResult

_IMAGE_REF = "a local file path, an https URL of the image file, or a Gemini file name (files/...)"


class ImageCaptionInput(BaseModel):
    """Arguments the model chooses for ``gemini_caption_image``."""

    images: list[str] = Field(
        min_length=1,
        description=f"One or more images to look at, in order; each is {_IMAGE_REF}.",
    )
    prompt: str | None = Field(
        default=None,
        description="A question or instruction about the images. Leave empty for a description.",
    )
    style: CaptionStyle | None = Field(
        default=None,
        description=(
            "When no prompt is given: 'one_line' caption, 'detailed' description, 'alt_text' "
            "for accessibility, or 'transcribe' to also copy all visible text."
        ),
    )


class GeminiImageCaptionTool(GeminiVisionBaseTool):
    """Describe images or answer a question about them with Gemini.

    Content is the caption text (capped); the artifact is ``CaptionResult.model_dump(mode="json")``.

    Attributes:
        default_style: Style used when the model gives neither a prompt nor a style.
        max_image_side: Downscale images to this longest side before sending (None: the model's
            default budget; ``"original"``: as is).
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` (Gemini 3+).
    """

    name: str = "gemini_caption_image"
    description: str = (
        "Look at one or more images and describe them, or answer a question about them "
        "(objects, scene, visible text). Input: image paths/URLs and an optional prompt."
    )
    args_schema: type[BaseModel] = ImageCaptionInput

    default_style: CaptionStyle = "detailed"
    max_image_side: ImageSide = None
    media_resolution: str | None = None

    def _options(self, style: CaptionStyle | None) -> dict[str, Any]:
        return {
            "style": style or self.default_style,
            "llm": self.get_llm(),
            "media_resolution": self.media_resolution,
            "max_image_side": self.max_image_side,
            "policy": self.policy,
        }

    def _reply(self, result: CaptionResult) -> tuple[str, dict[str, Any]]:
        content = self.cap(result.text, what="caption")
        if TRUNCATED_WARNING in result.warnings:
            # Without this the model would take a cut-off caption for the whole answer.
            content += "\n[the caption was cut off at Gemini's output token limit]"
        return content, result.model_dump(mode="json")

    def _run(
        self,
        images: list[str],
        prompt: str | None = None,
        style: CaptionStyle | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        refs = as_image_list(images)
        result = self.call(
            caption_image, refs, prompt=prompt, config=child_config(run_manager),
            **self._options(style),
        )  # fmt: skip
        return self._reply(result)

    async def _arun(
        self,
        images: list[str],
        prompt: str | None = None,
        style: CaptionStyle | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        refs = as_image_list(images)
        result = await self.acall(
            acaption_image, refs, prompt=prompt, config=child_config(run_manager),
            **self._options(style),
        )  # fmt: skip
        return self._reply(result)


class ObjectDetectionInput(BaseModel):
    """Arguments the model chooses for ``gemini_detect_objects``."""

    image: str = Field(description=f"The image to search: {_IMAGE_REF}.")
    target: str | list[str] = Field(
        description=(
            "What to find: a description such as 'every person' or 'the red car', or a list of "
            "object names such as ['cat', 'dog']."
        )
    )


class GeminiObjectDetectionTool(GeminiVisionBaseTool):
    """Find objects in an image with Gemini and return their pixel boxes.

    Content is ``DetectionResult.summary()`` (labels and ``(x_min, y_min, x_max, y_max)`` boxes in
    pixels of the upright image); the artifact is ``result.model_dump(mode="json")`` plus
    ``"annotated_image_path"`` when ``output_dir`` is set.

    Attributes:
        output_dir: When set, an annotated PNG of every detection is saved here.
        max_objects: At most this many objects are asked for.
        with_masks: Also ask for segmentation masks.
        max_image_side: Downscale before sending (boxes stay in the original's pixels).
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` (Gemini 3+).
    """

    name: str = "gemini_detect_objects"
    description: str = (
        "Find objects in an image and get their locations as pixel boxes "
        "(x_min, y_min, x_max, y_max) with labels. Input: an image path/URL and what to find."
    )
    args_schema: type[BaseModel] = ObjectDetectionInput

    output_dir: Path | None = None
    max_objects: int = DEFAULT_MAX_OBJECTS
    with_masks: bool = False
    max_image_side: ImageSide = None
    media_resolution: str | None = None

    def _options(self) -> dict[str, Any]:
        return {
            "llm": self.get_llm(),
            "max_objects": self.max_objects,
            "with_masks": self.with_masks,
            "media_resolution": self.media_resolution,
        }

    def _save_annotated(self, prepared: PreparedMedia, result: DetectionResult) -> str:
        assert self.output_dir is not None
        source: Any = prepared.data if prepared.data is not None else prepared.path
        if source is None:
            raise OSError("the image's pixels are not available locally")
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / f"detections-{uuid.uuid4().hex[:12]}.png"
        annotate_image(source, result).save(path, format="PNG")
        return str(path)

    def _reply(
        self, result: DetectionResult, annotated: str | None, save_error: str | None
    ) -> tuple[str, dict[str, Any]]:
        content = self.cap(result.summary(), what="detections")
        artifact = result.model_dump(mode="json")
        if annotated is not None:
            artifact["annotated_image_path"] = annotated
            content += f"\nAnnotated image saved to {annotated}"
        if save_error is not None:
            artifact["annotation_error"] = save_error
        return content, artifact

    def _run(
        self,
        image: str,
        target: str | list[str],
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        self.call(normalise_target, target)  # refuse an empty target before any I/O
        side, pixels = image_limits(self.max_image_side, self.get_llm(), self.media_resolution)
        prepared = self.call(
            prepare_image, image, policy=self.policy, max_image_side=side, max_image_pixels=pixels
        )
        result = self.call(
            detect_objects, prepared, target, config=child_config(run_manager), **self._options()
        )
        annotated = error = None
        if self.output_dir is not None:
            try:
                annotated = self._save_annotated(prepared, result)
            except (OSError, ValueError) as exc:  # the detections are still worth returning
                error = f"could not save the annotated image: {exc}"
        return self._reply(result, annotated, error)

    async def _arun(
        self,
        image: str,
        target: str | list[str],
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        self.call(normalise_target, target)
        side, pixels = image_limits(self.max_image_side, self.get_llm(), self.media_resolution)
        prepared = await self.acall(
            aprepare_image, image, policy=self.policy, max_image_side=side, max_image_pixels=pixels
        )
        result = await self.acall(
            adetect_objects, prepared, target, config=child_config(run_manager), **self._options()
        )
        annotated = error = None
        if self.output_dir is not None:
            try:
                annotated = await asyncio.to_thread(self._save_annotated, prepared, result)
            except (OSError, ValueError) as exc:
                error = f"could not save the annotated image: {exc}"
        return self._reply(result, annotated, error)


__all__ = [
    "GeminiImageCaptionTool",
    "GeminiObjectDetectionTool",
    "ImageCaptionInput",
    "ObjectDetectionInput",
]
