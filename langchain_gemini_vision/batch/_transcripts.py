"""Transcription through Batch Mode: every window of every video is one item of the same job.

A video is planned exactly like ``transcribe_video`` plans it (``plan_transcription``), and each
window request becomes an item keyed ``<video key>#w<n>``. What merging needs later (the span,
duration, source, warnings, each window's bounds) is kept as JSON in the job file. A window whose
answer hits the output limit cannot be split into halves as the synchronous call does (that
would need a second job): it is kept with the synchronous call's "cut off" warning.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_gemini_vision._core.item_result import ItemResult
from langchain_gemini_vision.batch._requests import BuiltItem, MediaUploads
from langchain_gemini_vision.errors import GeminiVisionError
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.types import Transcript
from langchain_gemini_vision.video import transcription as tr
from langchain_gemini_vision.video._source import VideoSource
from langchain_gemini_vision.video._windows import Window

WINDOW_KIND = "transcribe_window"


def expand_transcription(
    video: Any, options: dict[str, Any], uploads: MediaUploads
) -> list[tuple[str, BuiltItem]]:
    """``(key suffix, item)`` for every window of the video's transcription plan."""
    checked = tr.make_options(**{**options, "keep_upload": True})
    source = uploads.video(video, checked)
    plan = tr.plan_transcription(source, checked)
    shared = {
        "lo": plan.lo,
        "hi": plan.hi,
        "duration_s": source.duration_s,
        "source": source.source,
        "warnings": plan.warnings,
        "windows": len(plan.requests),
        "options": {k: v for k, v in options.items() if k != "keep_upload"},
    }
    items = []
    for request in plan.requests:
        window = request.window
        end = None if math.isinf(window.end_s) else window.end_s
        context = {
            "plan": shared,
            "window": [window.index, window.start_s, end],
            "clipped": request.clipped,
            "open_end": request.open_end,
        }
        built = BuiltItem(request.messages, request.call_kwargs, context)
        items.append((f"#w{window.index:03d}", built))
    return items


def _plan(context: dict[str, Any]) -> tr.TranscriptionPlan:
    shared = context["plan"]
    media = PreparedMedia(kind="video", mime_type="", source=str(shared["source"]))
    source = VideoSource(media, str(shared["source"]), shared["duration_s"])
    options = tr.make_options(**shared["options"])
    return tr.TranscriptionPlan(
        source, options, shared["lo"], shared["hi"], [], list(shared["warnings"])
    )


def _request(context: dict[str, Any]) -> tr.WindowRequest:
    index, start, end = context["window"]
    window = Window(int(index), float(start), math.inf if end is None else float(end))
    return tr.WindowRequest(
        window, bool(context["clipped"]), bool(context["open_end"]), [], {}, None
    )


def read_window_item(context: dict[str, Any], message: BaseMessage) -> tr.WindowOutcome:
    """Parse one window's answer like ``transcribe_video`` does (raises its parse errors)."""
    request = _request(context)
    label = request.window.label() if context["plan"]["windows"] > 1 else ""
    return tr.read_window(message, request, label=label)


def window_transcript(
    context: dict[str, Any], outcome: tr.WindowOutcome, *, model: str
) -> Transcript:
    """The transcript of one window (on the video's clock)."""
    plan = _plan(context)
    return tr.finish_transcription(replace(plan, warnings=[]), [outcome], fallback_model=model)


def transcripts_of(
    items: list[tuple[str, int, dict[str, Any]]],
    results: list[ItemResult[Any]],
    outcomes: dict[str, tr.WindowOutcome],
    *,
    model: str,
) -> list[ItemResult[Transcript]]:
    """One ``Transcript`` per video (input order) from window items ``(key, index, context)``."""
    by_index: dict[int, list[tuple[str, dict[str, Any], ItemResult[Any]]]] = {}
    for (key, index, context), res in zip(items, results, strict=True):
        by_index.setdefault(index, []).append((key, context, res))
    out = []
    for index, windows in sorted(by_index.items()):
        found: list[tr.WindowOutcome | GeminiVisionError] = [
            outcomes[key] if res.ok else (res.error or GeminiVisionError(key))
            for key, _ctx, res in windows
        ]
        video_key = windows[0][0].rsplit("#w", 1)[0]
        contexts = [ctx for _key, ctx, _res in windows]
        out.append(merge_windows(video_key, index, contexts, found, model=model))
    return out


def merge_windows(
    video_key: str,
    index: int,
    contexts: list[dict[str, Any]],
    outcomes: list[tr.WindowOutcome | GeminiVisionError],
    *,
    model: str,
) -> ItemResult[Transcript]:
    """One video's ``Transcript`` from its windows, or the first window's error."""
    for outcome in outcomes:
        if isinstance(outcome, GeminiVisionError):
            return ItemResult(video_key, index, error=outcome)
    good = [o for o in outcomes if not isinstance(o, GeminiVisionError)]
    try:
        transcript = tr.finish_transcription(_plan(contexts[0]), good, fallback_model=model)
    except GeminiVisionError as exc:
        return ItemResult(video_key, index, error=exc)
    return ItemResult(video_key, index, result=transcript)
