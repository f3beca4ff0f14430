"""The public call surface, found by introspection, with one valid baseline call per callable.

``public_callables()`` walks the package's public exports (``__all__`` of the package, of
``tools`` and of ``document_loaders``), the public methods of ``GeminiFileManager`` and the option
builders. ``BASELINES`` must name every one of them: a new public function without a baseline
fails ``test_every_public_callable_has_a_baseline``, so it cannot be left out of the fuzzing.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

import langchain_gemini_vision as pkg
from langchain_gemini_vision import GeminiFileManager, PollPolicy, document_loaders, tools
from langchain_gemini_vision.batch import caption_request
from langchain_gemini_vision.batch._submit import SUBMIT_OPTIONS
from langchain_gemini_vision.image.many import CAPTION_OPTIONS, DETECT_OPTIONS
from langchain_gemini_vision.types import BoundingBox, Detection, DetectionResult
from langchain_gemini_vision.usage import ModelPrice
from langchain_gemini_vision.video._options import CLIP_OPTIONS, make_clip_options
from langchain_gemini_vision.video.transcription import TRANSCRIBE_OPTIONS, make_options

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
SUMMARY_OPTIONS = CLIP_OPTIONS - {"keep_upload"}
UNKNOWN_OPTION = "not_an_option"


@dataclass
class World:
    """What baselines are built from: an emulator-backed model, files and a manager."""

    llm: Any
    tmp: Path
    png: bytes
    mp4: bytes
    png_path: Path = field(init=False)
    manager: GeminiFileManager = field(init=False)

    def __post_init__(self) -> None:
        self.png_path = self.tmp / "photo.png"
        self.png_path.write_bytes(self.png)
        self.manager = GeminiFileManager(
            self.llm,
            cache_dir=self.tmp / "cache",
            sleep=lambda _s: None,
            asleep=_no_sleep,
            poll_policy=PollPolicy(timeout_s=5),
        )


async def _no_sleep(_s: float) -> None:
    return None


@dataclass(frozen=True)
class Baseline:
    """A valid call: ``target(**kwargs)``; ``options`` are the names its ``**kwargs`` take."""

    target: Callable[..., Any]
    kwargs: dict[str, Any]
    options: frozenset[str] = frozenset()


def _detection() -> DetectionResult:
    box = BoundingBox(x_min=1, y_min=1, x_max=10, y_max=10)
    return DetectionResult(
        detections=[Detection(label="cat", box=box, box_2d=[33, 25, 333, 250])],
        image_width=40,
        image_height=30,
        model="m",
    )


def _manager_method(name: str) -> Callable[[World], Baseline]:
    def build(w: World) -> Baseline:
        kwargs: dict[str, Any] = {
            "get": {"file": "files/missing"},
            "aget": {"file": "files/missing"},
            "list": {"page_size": 10},
            "alist": {"page_size": 10},
            "delete": {"file": "files/missing", "missing_ok": True},
            "adelete": {"file": "files/missing", "missing_ok": True},
            "delete_owned": {},
            "adelete_owned": {},
            "upload": {"source": w.png},
            "aupload": {"source": w.png},
            "wait_until_active": {"file": "files/missing"},
            "await_until_active": {"file": "files/missing"},
            "temporary": {"source": w.png},
            "atemporary": {"source": w.png},
            "prune_orphans": {},
            "aprune_orphans": {},
            "pending_deletions": {},
        }[name]
        return Baseline(getattr(w.manager, name), kwargs)

    return build


BASELINES: dict[str, Callable[[World], Baseline]] = {
    "caption_image": lambda w: Baseline(pkg.caption_image, {"images": w.png, "llm": w.llm}),
    "acaption_image": lambda w: Baseline(pkg.acaption_image, {"images": w.png, "llm": w.llm}),
    "detect_objects": lambda w: Baseline(
        pkg.detect_objects, {"image": w.png, "target": "cat", "llm": w.llm}
    ),
    "adetect_objects": lambda w: Baseline(
        pkg.adetect_objects, {"image": w.png, "target": "cat", "llm": w.llm}
    ),
    "transcribe_video": lambda w: Baseline(
        pkg.transcribe_video, {"video": w.mp4, "llm": w.llm}, TRANSCRIBE_OPTIONS
    ),
    "atranscribe_video": lambda w: Baseline(
        pkg.atranscribe_video, {"video": w.mp4, "llm": w.llm}, TRANSCRIBE_OPTIONS
    ),
    "analyze_video": lambda w: Baseline(
        pkg.analyze_video, {"video": w.mp4, "question": "What happens?", "llm": w.llm}, CLIP_OPTIONS
    ),
    "aanalyze_video": lambda w: Baseline(
        pkg.aanalyze_video,
        {"video": w.mp4, "question": "What happens?", "llm": w.llm},
        CLIP_OPTIONS,
    ),
    "summarize_youtube": lambda w: Baseline(
        pkg.summarize_youtube, {"url": YOUTUBE, "llm": w.llm}, SUMMARY_OPTIONS
    ),
    "asummarize_youtube": lambda w: Baseline(
        pkg.asummarize_youtube, {"url": YOUTUBE, "llm": w.llm}, SUMMARY_OPTIONS
    ),
    "annotate_image": lambda w: Baseline(
        pkg.annotate_image, {"image": w.png, "result": _detection()}
    ),
    "estimate_image_tokens": lambda w: Baseline(
        pkg.estimate_image_tokens, {"image": w.png, "model": "gemini-2.5-flash"}
    ),
    "build_llm": lambda w: Baseline(
        pkg.build_llm, {"api_key": "k", "base_url": "http://127.0.0.1:9"}
    ),
    "make_options": lambda w: Baseline(make_options, {}),
    "make_clip_options": lambda w: Baseline(make_clip_options, {}),
    "GeminiFileManager": lambda w: Baseline(
        GeminiFileManager, {"llm": w.llm, "cache_dir": w.tmp / "cache"}
    ),
    "PollPolicy": lambda w: Baseline(PollPolicy, {}),
    "RetryPolicy": lambda w: Baseline(pkg.RetryPolicy, {}),
    # Tools and the toolkit get no model: building one costs ~0.2 s (LangChain re-validates it,
    # creating a client), and the model is only needed when a tool is called.
    "GeminiVisionToolkit": lambda w: Baseline(pkg.GeminiVisionToolkit, {}),
    "GeminiFileLoader": lambda w: Baseline(
        document_loaders.GeminiFileLoader,
        {"sources": str(w.png_path), "llm": w.llm, "cache_dir": w.tmp / "cache"},
    ),
    "GeminiVideoTranscriptLoader": lambda w: Baseline(
        document_loaders.GeminiVideoTranscriptLoader,
        {"videos": w.mp4, "llm": w.llm},
        TRANSCRIBE_OPTIONS - {"keep_upload"},
    ),
    "GeminiYouTubeLoader": lambda w: Baseline(
        document_loaders.GeminiYouTubeLoader,
        {"urls": YOUTUBE, "llm": w.llm},
        TRANSCRIBE_OPTIONS - SUMMARY_OPTIONS - {"keep_upload"},
    ),
}


# Many images, batch jobs, sessions and usage accounting. A batch call only submits the job (the
# emulator answers at once); waiting is a method of the job, not part of the submitting call.
def _job_path(w: World) -> Path:
    return w.tmp / "batch" / "job.json"


BASELINES.update(
    {
        "caption_images": lambda w: Baseline(
            pkg.caption_images, {"images": [w.png], "llm": w.llm}, CAPTION_OPTIONS
        ),
        "acaption_images": lambda w: Baseline(
            pkg.acaption_images, {"images": [w.png], "llm": w.llm}, CAPTION_OPTIONS
        ),
        "detect_objects_many": lambda w: Baseline(
            pkg.detect_objects_many,
            {"images": [w.png], "target": "cat", "llm": w.llm},
            DETECT_OPTIONS,
        ),
        "adetect_objects_many": lambda w: Baseline(
            pkg.adetect_objects_many,
            {"images": [w.png], "target": "cat", "llm": w.llm},
            DETECT_OPTIONS,
        ),
        "submit_batch": lambda w: Baseline(
            pkg.submit_batch,
            {"requests": [caption_request(w.png)], "llm": w.llm, "job_path": _job_path(w)},
        ),
        "caption_images_batch": lambda w: Baseline(
            pkg.caption_images_batch,
            {"images": [w.png], "llm": w.llm, "job_path": _job_path(w)},
            SUBMIT_OPTIONS,
        ),
        "detect_objects_batch": lambda w: Baseline(
            pkg.detect_objects_batch,
            {"images": [w.png], "target": "cat", "llm": w.llm, "job_path": _job_path(w)},
            SUBMIT_OPTIONS,
        ),
        "BatchJob": lambda w: Baseline(
            pkg.BatchJob,
            {
                "llm": w.llm,
                "name": "batches/resumed",
                "model": "gemini-2.5-flash",
                "display_name": "resumed",
                "items": [],
                "batch_files": [],
                "media_files": [],
                "requests_path": None,
            },
        ),
        "VideoSession": lambda w: Baseline(
            pkg.VideoSession, {"video": w.mp4, "llm": w.llm, "manager": w.manager}
        ),
        "UsageReport": lambda w: Baseline(pkg.UsageReport, {}),
        "PriceTable": lambda w: Baseline(
            pkg.PriceTable,
            {"models": {"*": ModelPrice(1.0, 4.0, 0.25)}, "as_of": "2026-12-02", "source": "mine"},
        ),
        "generation_retries": lambda w: Baseline(
            pkg.generation_retries, {"policy": pkg.RetryPolicy(attempts=1)}
        ),
    }
)

for _tool in tools.__all__:
    if _tool != "GeminiVisionBaseTool":  # abstract: not for direct use (documented)
        BASELINES[_tool] = lambda w, _t=_tool: Baseline(getattr(tools, _t), {})
for _method in [
    "get",
    "aget",
    "list",
    "alist",
    "delete",
    "adelete",
    "delete_owned",
    "adelete_owned",
    "upload",
    "aupload",
    "wait_until_active",
    "await_until_active",
    "temporary",
    "atemporary",
    "prune_orphans",
    "aprune_orphans",
    "pending_deletions",
]:
    BASELINES[f"GeminiFileManager.{_method}"] = _manager_method(_method)

NOT_CALLABLE_SURFACE = {
    "GeminiVisionBaseTool": "the abstract base of the tools",
    "BatchItemResult": "a result slot BatchJob.results() fills in; users only read it",
}
"""Exports that are not called directly, each with the reason."""


def _is_data_or_error(obj: object) -> bool:
    """Result types (pydantic models in ``types``) and error classes: data, not calls."""
    if not inspect.isclass(obj):
        return False
    if issubclass(obj, BaseException):
        return True
    return issubclass(obj, pydantic.BaseModel) and obj.__module__ == "langchain_gemini_vision.types"


def public_callables() -> Iterator[str]:
    """Every public call by name (``Class.method`` for the manager's methods)."""
    for module in (pkg, tools, document_loaders):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not _is_data_or_error(obj) and name not in NOT_CALLABLE_SURFACE:
                yield name
    for name, member in inspect.getmembers(GeminiFileManager):
        static = inspect.getattr_static(GeminiFileManager, name)
        if not name.startswith("_") and callable(member) and not isinstance(static, property):
            yield f"GeminiFileManager.{name}"
    yield "make_options"
    yield "make_clip_options"


def parameters(name: str, baseline: Baseline) -> list[str]:
    """Every parameter a caller can pass (``**kwargs`` expanded to its option names)."""
    target = baseline.target
    if inspect.isclass(target) and issubclass(target, pydantic.BaseModel):
        return sorted(target.model_fields)
    params = inspect.signature(target).parameters.values()
    names = [p.name for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        names += [*sorted(baseline.options), UNKNOWN_OPTION]
    return names


def call(baseline: Baseline, kwargs: dict[str, Any]) -> None:
    """Run one call to the end: await it, drain it, enter and leave it, load it."""
    result = baseline.target(**kwargs)
    _finish(result)


def _finish(result: Any) -> None:
    if inspect.iscoroutine(result):
        _finish(asyncio.run(result))
    elif inspect.isasyncgen(result):
        asyncio.run(_drain(result))
    elif hasattr(result, "__aenter__"):
        asyncio.run(_enter(result))
    elif hasattr(result, "__enter__") and hasattr(result, "__exit__"):
        with result:
            pass
    elif isinstance(result, Iterator):
        list(result)
    elif hasattr(result, "lazy_load"):
        result.load()
    elif isinstance(result, pkg.GeminiVisionToolkit):
        result.get_tools()


async def _drain(gen: Any) -> None:
    async for _ in gen:
        pass


async def _enter(cm: Any) -> None:
    async with cm:
        pass
