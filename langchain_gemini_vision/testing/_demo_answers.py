"""The demo world's scripted answers: what a careful model would say about the sample media.

Each function answers one kind of request (caption, detection, transcript, video Q&A, YouTube
summary, grounded RAG answer) in the shape the live API produces. ``demo.install_demo_world``
registers them as rules; they are separate from it because they only read the scene and video
data (``_demo_scene``, ``_demo_videos``) and never touch the server.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_gemini_vision.testing._demo_scene import (
    SCENE_CAPTIONS,
    SCENE_OBJECTS,
    SCENE_SIZE,
    SceneObject,
)
from langchain_gemini_vision.testing._demo_videos import (
    TRANSCRIPT,
    VIDEO_DURATION_S,
    YOUTUBE_CHAPTERS,
    YOUTUBE_DURATION_S,
    YOUTUBE_SUMMARIES,
)
from langchain_gemini_vision.testing._rules import GenerateRequest


def _fence(items: list[dict[str, Any]]) -> str:
    # Live models fence JSON even when told not to, one object per line (GEMINI-FACTS, "Real
    # model output shapes").
    if not items:
        return "```json\n[]\n```"
    body = ",\n".join("  " + json.dumps(item) for item in items)
    return f"```json\n[\n{body}\n]\n```"


def _is_scene(size: tuple[int, int] | None) -> bool:
    """The whole scene, possibly downscaled (same 4:3 shape, not a small crop)."""
    if size is None:
        return True
    w, h = size
    return w >= 200 and abs(w / h - SCENE_SIZE[0] / SCENE_SIZE[1]) < 0.02


def _object_for_crop(size: tuple[int, int] | None) -> SceneObject | None:
    """The object whose box has the size of this crop (boxes come back within a pixel or two)."""
    if size is None:
        return None
    best = min(SCENE_OBJECTS, key=lambda o: abs(o.size[0] - size[0]) + abs(o.size[1] - size[1]))
    return best if abs(best.size[0] - size[0]) + abs(best.size[1] - size[1]) <= 12 else None


def _caption(req: GenerateRequest) -> str:
    images = [m for m in req.media if m.mime_type.startswith("image/")]
    prompt = req.text.lower()
    style = "detailed"
    if "one-line caption" in prompt:
        style = "one_line"
    elif "alt text" in prompt:
        style = "alt_text"
    answers: list[str] = []
    for part in images:
        if _is_scene(part.image_size):
            text = SCENE_CAPTIONS[style]
            if "transcribe all visible text" in prompt:
                text += "\n\nText: (none)"
        else:
            obj = _object_for_crop(part.image_size)
            text = obj.caption if obj else "A small, blurry patch of a wooden desk."
        answers.append(text)
    if len(answers) == 1:
        return answers[0]
    return "\n".join(f"Image {i}: {a}" for i, a in enumerate(answers, start=1))


def _detect(req: GenerateRequest) -> str:
    image = next(m for m in req.media if m.mime_type.startswith("image/"))
    if not _is_scene(image.image_size):
        return _fence([])
    # Only the part of the prompt that names the target (the rest is format instructions).
    target = req.text.split(". Return a JSON list", 1)[0].lower()
    wanted = [o for o in SCENE_OBJECTS if o.label in target or o.label.split()[-1] in target]
    generic = any(word in target for word in ("object", "everything", "item", "thing"))
    chosen = wanted or (list(SCENE_OBJECTS) if generic else [])
    return _fence([{"box_2d": o.box_2d(), "label": o.label} for o in chosen])


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    return (
        parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    )


def _clip(req: GenerateRequest, duration_s: float = VIDEO_DURATION_S) -> tuple[float, float]:
    meta = next((m.video_metadata for m in req.media if m.video_metadata), None) or {}
    start = float(str(meta.get("startOffset", "0s")).rstrip("s") or 0)
    end = float(str(meta.get("endOffset", f"{duration_s}s")).rstrip("s"))
    return start, end


def _transcript(req: GenerateRequest) -> str:
    start, end = _clip(req)
    visual = "what is shown" in req.text.lower() or "visual" in req.text.lower()
    segments = []
    for seg_start, seg_end, text, shown in TRANSCRIPT:
        # A model shown a clip describes what starts inside it.
        if not start <= _seconds(seg_start) < end:
            continue
        item = {"start": seg_start, "end": seg_end, "text": text}
        if visual:
            item["visual"] = shown
        segments.append(item)
    return json.dumps({"segments": segments}, indent=2)


def _video_answer(req: GenerateRequest) -> str:
    question = req.text.lower()
    if "glass" in question or "cause" in question or "puncture" in question:
        return "At 00:52 Sam finds the cause of the flat: a tiny piece of glass stuck in the tyre."
    if "pressure" in question or "psi" in question:
        return "At 01:24 Sam inflates the tyre to about 80 psi, the pressure on the sidewall."
    return (
        "It is a 1:35 workshop tutorial: Sam removes the wheel (00:09), levers the tyre off "
        "(00:21), finds a piece of glass (00:47), fits a new tube (00:58) and inflates it to "
        "80 psi (01:24)."
    )


def _youtube(req: GenerateRequest) -> str:
    prompt = req.text.lower()
    style = "brief"
    if "markdown bullet" in prompt:
        style = "bullets"
    elif "detailed summary" in prompt:
        style = "detailed"
    elif "focus on the chapters" in prompt:
        style = "chapters"
    start, end = _clip(req, YOUTUBE_DURATION_S)
    chapters = [
        {"start": stamp, "title": title, "summary": text}
        for stamp, title, text in YOUTUBE_CHAPTERS
        if start <= _seconds(stamp) < end
    ]
    return json.dumps({"summary": YOUTUBE_SUMMARIES[style], "chapters": chapters}, indent=2)


_STAMPED = re.compile(r"^\[(\d{1,2}:\d{2}(?::\d{2})?)\]\s*(.+)$")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset((
    "a", "an", "and", "are", "at", "do", "does", "for", "how", "i", "in", "is", "it", "of", "on",
    "or", "the", "to", "what", "when", "which", "with", "you", "your", "my", "me", "should",
    "this", "that",
))  # fmt: skip


def _grounded_answer(req: GenerateRequest) -> str:
    """Cite the excerpt lines that share the most words with the question, like a careful model."""
    question = req.text.split("Question:", 1)[-1].splitlines()[0] if "Question:" in req.text else ""
    words = {w for w in _WORD.findall(question.lower()) if w not in _STOP}
    scored: list[tuple[int, str, str]] = []
    for line in req.text.splitlines():
        match = _STAMPED.match(line.strip())
        if match:
            overlap = len(words & set(_WORD.findall(match[2].lower())))
            if overlap:
                scored.append((overlap, match[1], match[2]))
    if not scored:
        return "The excerpts do not say; I cannot answer from this video."
    top = max(item[0] for item in scored)
    best = [item for item in scored if item[0] == top][:2]
    best.sort(key=lambda item: _seconds(item[1]))
    sentences = [f"{text.split(' [visual:')[0].rstrip('.')} [{stamp}]." for _, stamp, text in best]
    return "According to the video: " + " ".join(sentences)
