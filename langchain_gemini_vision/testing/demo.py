"""The demo world: bundled sample media and a FakeGeminiServer that answers about it realistically.

``gemini-vision demo`` and the runnable ``examples/`` use it when no API key is set, so a newcomer
sees the whole package work offline in seconds. Answers have the *shapes* the live API produces
(fenced JSON for detections, mixed ``00:09`` / ``0:21`` timestamp styles in transcripts, chapter
JSON for YouTube), so the same parsing and validation code runs as in production.

- ``scene.png``: a drawn desk scene whose objects' pixel boxes are known exactly
  (:data:`SCENE_OBJECTS`); detections are answered on Gemini's 0-1000 grid from those boxes, and
  crops of the scene are recognised by their size and captioned as the object they show.
- ``bike-repair.mp4``: a minimal MP4 declaring :data:`VIDEO_DURATION_S` seconds, with a scripted
  transcript (:data:`TRANSCRIPT`) of a flat-tyre repair.
- :data:`YOUTUBE_URL`: a public lecture; its summary and chapters are scripted.

Example:
    >>> with demo_session() as session:                               # doctest: +SKIP
    ...     print(session.banner)
    ...     caption_image(session.samples.image, llm=session.llm).text
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from ._agent import ToolCall, has_tools, scripted_tool_calls
from ._rules import FunctionResult, GenerateRequest
from .samples import make_mp4
from .server import FakeGeminiServer

if TYPE_CHECKING:
    from langchain_google_genai import ChatGoogleGenerativeAI

__all__ = [
    "RAG_MARKER",
    "SCENE_OBJECTS",
    "SCENE_SIZE",
    "TRANSCRIPT",
    "VIDEO_DURATION_S",
    "YOUTUBE_URL",
    "DemoSamples",
    "DemoSession",
    "SceneObject",
    "agent_script",
    "demo_server",
    "demo_session",
    "install_demo_world",
    "scene_image",
    "write_samples",
]

SCENE_SIZE = (1024, 768)
"""Width and height of ``scene.png``."""


@dataclass(frozen=True)
class SceneObject:
    """An object drawn in the scene.

    Attributes:
        label: What the scripted model calls it.
        box: ``(x_min, y_min, x_max, y_max)`` in pixels, max edges exclusive.
        caption: What the scripted model says about a crop of it.
    """

    label: str
    box: tuple[int, int, int, int]
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the box."""
        return (self.box[2] - self.box[0], self.box[3] - self.box[1])

    def box_2d(self, width: int = SCENE_SIZE[0], height: int = SCENE_SIZE[1]) -> list[int]:
        """The box as Gemini writes it: ``[y_min, x_min, y_max, x_max]`` on a 0-1000 grid."""
        x0, y0, x1, y1 = self.box
        return [
            round(y0 / height * 1000),
            round(x0 / width * 1000),
            round(y1 / height * 1000),
            round(x1 / width * 1000),
        ]


SCENE_OBJECTS: tuple[SceneObject, ...] = (
    SceneObject(
        "laptop",
        (90, 250, 430, 560),
        "An open silver laptop showing a blue desktop with two windows; its keyboard faces the "
        "viewer.",
    ),
    SceneObject(
        "coffee mug",
        (500, 430, 640, 560),
        "A white ceramic coffee mug with a red band and a handle on the right.",
    ),
    SceneObject(
        "potted plant",
        (680, 200, 880, 560),
        "A leafy green plant in a terracotta pot.",
    ),
    SceneObject(
        "apple",
        (880, 470, 960, 570),
        "A shiny red apple with a short brown stem and one green leaf.",
    ),
    SceneObject(
        "notebook",
        (250, 600, 520, 700),
        "A closed blue notebook with a white label strip, lying flat.",
    ),
    SceneObject(
        "pencil",
        (560, 630, 760, 660),
        "A yellow pencil with a pink eraser, lying horizontally.",
    ),
    SceneObject(
        "wall clock",
        (560, 50, 700, 190),
        "A round white wall clock with a black rim; it reads about five past ten.",
    ),
)
"""Every object in ``scene.png`` with its exact pixel box."""

SCENE_CAPTIONS = {
    "one_line": (
        "A tidy wooden desk with an open laptop, a coffee mug, a potted plant and an apple."
    ),
    "alt_text": (
        "A wooden desk against a cream wall: an open laptop, a red-banded mug, a potted plant, "
        "an apple, a blue notebook and a pencil, with a clock above."
    ),
    "detailed": (
        "A home-office desk seen from the front. On the left stands an open silver laptop with a "
        "blue screen; to its right is a white coffee mug with a red band, then a leafy plant in a "
        "terracotta pot and a red apple at the right edge. A blue notebook and a yellow pencil lie "
        "in front on the wooden desktop. A round wall clock hangs on the cream wall above the mug, "
        "showing about five past ten. There is no visible text apart from the clock face."
    ),
}

VIDEO_DURATION_S = 95.0
"""Length declared by ``bike-repair.mp4`` (1:35)."""

# (start, end, text, visual). Start/end strings mix the styles the live model produces.
TRANSCRIPT: tuple[tuple[str, str, str, str], ...] = (
    (
        "00:00",
        "0:09",
        "Hi, I'm Sam. Today I'll show you how to fix a flat bicycle tyre in under two minutes.",
        "A person in a grey apron stands next to a blue road bike in a workshop.",
    ),
    (
        "0:09",
        "00:21",
        "First, open the brake and the quick-release lever, then lift the wheel out of the frame.",
        "Close-up of hands flipping the quick-release lever on the front wheel.",
    ),
    (
        "00:21",
        "0:34",
        "Hook two tyre levers under the bead, about ten centimetres apart, and slide one around "
        "the rim until the tyre comes off.",
        "Two orange plastic tyre levers prise the tyre off the rim.",
    ),
    (
        "0:34",
        "00:47",
        "Pull out the inner tube and pump a little air into it to find the hole. Listen for the "
        "hiss.",
        "The tube is held near an ear; a small puncture is circled with chalk.",
    ),
    (
        "00:47",
        "0:58",
        "Now run your fingers carefully around the inside of the tyre. Here's the culprit: a "
        "tiny piece of glass.",
        "Fingertips hold up a shard of glass taken from the tyre.",
    ),
    (
        "0:58",
        "01:12",
        "Put a little air into the new tube so it holds its shape, and tuck it into the tyre, "
        "valve first.",
        "A new tube is fitted, starting at the valve hole.",
    ),
    (
        "01:12",
        "1:24",
        "Push the bead back onto the rim with your thumbs. Avoid the levers here: they can pinch "
        "the new tube.",
        "Thumbs roll the last section of the tyre onto the rim.",
    ),
    (
        "1:24",
        "01:35",
        "Inflate to the pressure printed on the sidewall, about 80 psi for this tyre, refit the "
        "wheel and close the brake. Done!",
        "A floor pump gauge reads 80 psi; the wheel spins freely in the frame.",
    ),
)
"""The scripted transcript of ``bike-repair.mp4``."""

YOUTUBE_URL = "https://www.youtube.com/watch?v=aircAruvnKk"
"""A public lecture (3Blue1Brown: 'But what is a neural network?'); scripted offline."""
YOUTUBE_DURATION_S = 1119.0

YOUTUBE_CHAPTERS: tuple[tuple[str, str, str], ...] = (
    (
        "0:00",
        "Recognising handwritten digits",
        "Why reading a sloppy 3 is easy for people and hard "
        "to program, and the 28x28-pixel digits used throughout.",
    ),
    (
        "2:42",
        "What is a neuron?",
        "A neuron is just a number between 0 and 1, its activation; "
        "the first layer holds one neuron per pixel, 784 in all.",
    ),
    (
        "05:31",
        "Why layers?",
        "The hope that hidden layers pick up edges, then loops and lines, then whole digits.",
    ),
    (
        "8:38",
        "Edge detection example",
        "How weights on the pixels and a bias let one neuron respond to one small edge.",
    ),
    (
        "11:34",
        "Counting weights and biases",
        "The network has about 13,000 weights and biases; "
        "learning means finding good values for all of them.",
    ),
    (
        "13:26",
        "Notation and linear algebra",
        "A whole layer's transition written as a matrix-"
        "vector product plus a bias vector, squashed by the sigmoid.",
    ),
    ("17:03", "ReLU vs sigmoid", "Why modern networks mostly use ReLU instead of the sigmoid."),
)

YOUTUBE_SUMMARIES = {
    "brief": (
        "An introduction to neural networks built around recognising handwritten digits: neurons "
        "hold numbers, layers of weighted sums and biases pass them on, and the whole network is "
        "one big function with about 13,000 parameters to learn."
    ),
    "bullets": (
        "- The task: recognise handwritten digits from 28x28-pixel images.\n"
        "- A neuron holds a number between 0 and 1, its activation.\n"
        "- Layers: 784 input neurons, two hidden layers of 16, and 10 outputs.\n"
        "- Each neuron takes a weighted sum of the previous layer plus a bias, then a sigmoid.\n"
        "- The network has about 13,000 weights and biases; learning means tuning them.\n"
        "- Modern networks mostly use ReLU instead of the sigmoid."
    ),
    "detailed": (
        "The video motivates neural networks with handwritten digit recognition. It defines a "
        "neuron as a holder of a number between 0 and 1 and arranges them in layers: 784 input "
        "neurons for the pixels, two hidden layers and ten outputs.\n\nIt then explains how a "
        "neuron's activation is a weighted sum of the previous layer plus a bias, passed through a "
        "sigmoid, why one might hope that hidden layers detect edges and patterns, and how all "
        "13,000 parameters can be written compactly with matrices. It ends by comparing the "
        "sigmoid with ReLU."
    ),
    "chapters": (
        "A visual introduction to the structure of a neural network, using handwritten digit "
        "recognition as the running example."
    ),
}

RAG_MARKER = "Answer using only the transcript excerpts below"
"""Prompts with this phrase get a grounded answer citing timestamps (``examples/rag_video.py``)."""


# --------------------------------------------------------------------------- sample media


def scene_image() -> Image.Image:
    """Draw the desk scene (RGB, :data:`SCENE_SIZE`); every box in :data:`SCENE_OBJECTS` is exact.

    The scene is drawn at twice the size and scaled down, which smooths the edges; boxes are
    integers at both scales, so they stay exact.
    """
    s = 2
    width, height = SCENE_SIZE
    img = Image.new("RGB", (width * s, height * s), (238, 228, 208))
    d = ImageDraw.Draw(img)

    def r(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        # PIL's rectangle/ellipse include the max edge; our boxes exclude it.
        return (round(x0 * s), round(y0 * s), round(x1 * s) - 1, round(y1 * s) - 1)

    # Wall skirting and desk.
    d.rectangle(r(0, 400, width, 420), fill=(214, 200, 176))
    d.rectangle(r(0, 420, width, height), fill=(166, 116, 72))
    d.rectangle(r(0, 420, width, 432), fill=(130, 88, 52))
    for y in (480, 560, 650, 720):
        d.line([(0, y * s), (width * s, (y + 6) * s)], fill=(150, 104, 63), width=3)

    # Wall clock (560, 50, 700, 190).
    d.ellipse(r(560, 50, 700, 190), fill=(30, 30, 30))
    d.ellipse(r(568, 58, 692, 182), fill=(250, 250, 248))
    cx, cy = 630 * s, 120 * s
    for i in range(12):
        a = math.radians(i * 30)
        x_out, y_out = cx + math.sin(a) * 54 * s, cy - math.cos(a) * 54 * s
        x_in, y_in = cx + math.sin(a) * 46 * s, cy - math.cos(a) * 46 * s
        d.line([(x_in, y_in), (x_out, y_out)], fill=(40, 40, 40), width=3 * s)
    d.line([(cx, cy), (cx - 38 * s, cy - 14 * s)], fill=(20, 20, 20), width=5 * s)  # hour ~10
    d.line([(cx, cy), (cx + 24 * s, cy - 44 * s)], fill=(20, 20, 20), width=3 * s)  # minute ~2

    # Laptop (90, 250, 430, 560): screen, then base.
    d.rounded_rectangle(r(110, 250, 410, 470), radius=8 * s, fill=(170, 174, 182))
    d.rectangle(r(124, 264, 396, 456), fill=(46, 98, 178))
    d.rectangle(r(150, 290, 290, 380), fill=(232, 238, 246))
    d.rectangle(r(250, 340, 380, 440), fill=(206, 224, 244))
    bottom = 560 * s - 1  # the boxes' max edge is exclusive
    d.polygon([(220, 940), (820, 940), (860, bottom), (180, bottom)], fill=(192, 196, 202))
    for row in range(3):
        y = 482 + row * 22
        d.rectangle(r(140 - row * 4, y, 380 + row * 4, y + 14), fill=(120, 124, 132))
    d.rectangle(r(215, 540, 305, 553), fill=(160, 164, 172))

    # Coffee mug (500, 430, 640, 560): handle first so the body covers its inner half.
    d.ellipse(r(570, 455, 640, 530), fill=(245, 245, 245))
    d.ellipse(r(588, 472, 622, 513), fill=(166, 116, 72))
    d.rounded_rectangle(r(500, 430, 600, 560), radius=10 * s, fill=(248, 248, 246))
    d.rectangle(r(500, 470, 600, 492), fill=(200, 40, 48))
    d.ellipse(r(504, 432, 596, 446), fill=(92, 58, 36))

    # Potted plant (680, 200, 880, 560): leaves, then the pot.
    for box, colour in (
        ((680, 290, 790, 400), (58, 140, 70)),
        ((770, 280, 880, 392), (48, 126, 62)),
        ((720, 200, 840, 330), (70, 160, 84)),
        ((700, 330, 860, 440), (52, 134, 66)),
    ):
        d.ellipse(r(*box), fill=colour)
    d.polygon([(1440, 840), (1680, 840), (1640, bottom), (1480, bottom)], fill=(196, 100, 60))
    d.rectangle(r(712, 420, 848, 444), fill=(176, 86, 50))

    # Apple (880, 470, 960, 570): stem and leaf above the fruit.
    d.ellipse(r(880, 490, 960, 570), fill=(200, 26, 36))
    d.ellipse(r(896, 502, 914, 520), fill=(236, 110, 110))
    d.rectangle(r(917, 470, 923, 494), fill=(96, 64, 30))
    d.ellipse(r(923, 474, 950, 488), fill=(80, 160, 60))

    # Notebook (250, 600, 520, 700) and pencil (560, 630, 760, 660).
    d.rectangle(r(250, 600, 520, 700), fill=(40, 70, 150))
    d.rectangle(r(250, 600, 262, 700), fill=(26, 48, 110))
    d.rectangle(r(330, 630, 450, 656), fill=(240, 240, 236))
    d.polygon(
        [(560 * s, 645 * s), (590 * s, 630 * s), (590 * s, 660 * s - 1)], fill=(232, 196, 150)
    )
    d.rectangle(r(590, 630, 735, 660), fill=(246, 196, 40))
    d.rectangle(r(735, 630, 745, 660), fill=(190, 190, 196))
    d.rounded_rectangle(r(745, 630, 760, 660), radius=4 * s, fill=(236, 140, 160))
    return img.resize(SCENE_SIZE, Image.Resampling.LANCZOS)


def scene_png() -> bytes:
    """``scene.png`` as bytes."""
    out = io.BytesIO()
    scene_image().save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class DemoSamples:
    """Paths of the sample media written by :func:`write_samples`."""

    folder: Path
    image: Path
    video: Path
    youtube_url: str = YOUTUBE_URL


def write_samples(folder: str | Path) -> DemoSamples:
    """Write ``scene.png`` and ``bike-repair.mp4`` into ``folder`` (created if needed)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    image = root / "scene.png"
    video = root / "bike-repair.mp4"
    image.write_bytes(scene_png())
    video.write_bytes(make_mp4(VIDEO_DURATION_S))
    return DemoSamples(folder=root.resolve(), image=image.resolve(), video=video.resolve())


# --------------------------------------------------------------------------- scripted answers


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


def install_demo_world(server: FakeGeminiServer) -> FakeGeminiServer:
    """Add the demo world's rules to ``server`` (the most specific rules are checked first).

    Returns:
        The same server, for chaining.
    """
    server.youtube_duration_s = YOUTUBE_DURATION_S
    server.video_duration_s = VIDEO_DURATION_S
    server.add_rule(has_media="image/", handler=_caption)
    server.add_rule(has_media="image/", has_schema=True, handler=_detect)
    server.add_rule(has_media="video/", handler=_video_answer)
    server.add_rule(has_media="video/", has_schema=True, handler=_transcript)
    server.add_rule(has_media="youtube", handler=_youtube)
    server.add_rule(prompt_contains=RAG_MARKER, handler=_grounded_answer)
    return server


def demo_server(**kwargs: Any) -> FakeGeminiServer:
    """A FakeGeminiServer (not started) with the demo world installed; use it with ``with``."""
    return install_demo_world(FakeGeminiServer(**kwargs))


# --------------------------------------------------------------------------- the agent script


def agent_script(samples: DemoSamples) -> list[ToolCall | list[ToolCall]]:
    """The tool calls a capable model makes for :data:`AGENT_TASK` on the demo samples."""
    return [
        [
            ToolCall("gemini_caption_image", {"images": [str(samples.image)], "style": "one_line"}),
            ToolCall(
                "gemini_detect_objects",
                {"image": str(samples.image), "target": ["coffee mug", "laptop", "apple"]},
            ),
        ],
        ToolCall("gemini_transcribe_video", {"video": str(samples.video)}),
        ToolCall("gemini_summarize_youtube", {"url": samples.youtube_url, "style": "brief"}),
        ToolCall("convert_units", {"value": VIDEO_DURATION_S, "from_unit": "s", "to_unit": "min"}),
    ]


AGENT_TASK = (
    "Look at scene.png: caption it and find the coffee mug, the laptop and the apple. Then "
    "transcribe bike-repair.mp4, summarize the YouTube lecture {url}, and tell me how long the "
    "repair video is in minutes."
)
"""The user message of ``examples/agent.py`` (format with ``url=``)."""


def _agent_final(results: Sequence[FunctionResult]) -> str:
    by_name = {r.name: str(r.response.get("output", r.response)) for r in results}
    caption = by_name.get("gemini_caption_image", "").strip()
    found = by_name.get("gemini_detect_objects", "").split(" in the ", 1)[0] or "no objects"
    minutes = by_name.get("convert_units", "?")
    return (
        f"Here is what I found. The picture shows: {caption} The detector located {found}, "
        "with pixel boxes in the tool results. The repair video walks through removing the "
        "wheel (00:09), levering off the tyre (00:21), finding a piece of glass (00:47) and "
        f"re-inflating to 80 psi (01:24); it lasts {minutes}. The lecture introduces neural "
        "networks through handwritten digit recognition, with chapters from 0:00 to 17:03."
    )


def install_agent_script(server: FakeGeminiServer, samples: DemoSamples) -> None:
    """Make requests that declare tools (an agent's) follow :func:`agent_script`."""
    server.add_rule(
        when=has_tools,
        handler=scripted_tool_calls(
            agent_script(samples),
            final=_agent_final,
            preamble="I'll look at the image first, then the videos.",
        ),
    )


# --------------------------------------------------------------------------- sessions


@dataclass
class DemoSession:
    """What an example needs: a model, sample media, and whether it runs offline.

    Attributes:
        offline: True when answers come from the demo world, not the live API.
        llm: The chat model (pointed at the demo server when offline).
        samples: The sample media.
        server: The running demo server when offline, else None.
        banner: One line saying which mode is on; print it first.
    """

    offline: bool
    llm: ChatGoogleGenerativeAI
    samples: DemoSamples
    server: FakeGeminiServer | None
    banner: str


@contextlib.contextmanager
def _scoped_env(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@contextlib.contextmanager
def demo_session(
    folder: str | Path | None = None, *, offline: bool | None = None
) -> Iterator[DemoSession]:
    """Live when an API key is set, else the offline demo world; yields a :class:`DemoSession`.

    Args:
        folder: Where to write the sample media (default: a temporary folder, removed on exit).
        offline: Force the mode; default offline exactly when no GOOGLE_API_KEY / GEMINI_API_KEY
            is set.
    """
    from .._client import api_key_from_env, build_llm, default_model_name

    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="gemini-vision-"))
        samples = write_samples(folder)
        if offline is None:
            offline = api_key_from_env() is None
        if not offline:
            model = default_model_name()
            yield DemoSession(
                offline=False,
                llm=build_llm(),
                samples=samples,
                server=None,
                banner=f"LIVE: calling the Gemini API ({model}) with the key from the environment.",
            )
            return
        # Uploads to a throwaway emulator must not land in the user's real reuse index.
        stack.enter_context(_scoped_env("GEMINI_VISION_CACHE_DIR", str(samples.folder / ".index")))
        server = stack.enter_context(demo_server())
        install_agent_script(server, samples)
        yield DemoSession(
            offline=True,
            llm=server.llm(),
            samples=samples,
            server=server,
            banner=(
                "OFFLINE (emulated): no GOOGLE_API_KEY set, so a local FakeGeminiServer at "
                f"{server.url} answers with the scripted demo world."
            ),
        )
