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
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_gemini_vision.testing._agent import ToolCall, has_tools, scripted_tool_calls
from langchain_gemini_vision.testing._demo_answers import (
    _caption,
    _detect,
    _grounded_answer,
    _transcript,
    _video_answer,
    _youtube,
)
from langchain_gemini_vision.testing._demo_scene import SCENE_CAPTIONS as SCENE_CAPTIONS
from langchain_gemini_vision.testing._demo_scene import (
    SCENE_OBJECTS,
    SCENE_SIZE,
    SceneObject,
    scene_image,
    scene_png,
)
from langchain_gemini_vision.testing._demo_videos import (
    TRANSCRIPT,
    VIDEO_DURATION_S,
    YOUTUBE_DURATION_S,
    YOUTUBE_URL,
)
from langchain_gemini_vision.testing._demo_videos import YOUTUBE_CHAPTERS as YOUTUBE_CHAPTERS
from langchain_gemini_vision.testing._demo_videos import YOUTUBE_SUMMARIES as YOUTUBE_SUMMARIES
from langchain_gemini_vision.testing._rules import FunctionResult
from langchain_gemini_vision.testing._rules import GenerateRequest as GenerateRequest
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.testing.server import FakeGeminiServer

if TYPE_CHECKING:
    from langchain_google_genai import ChatGoogleGenerativeAI

# SCENE_CAPTIONS, YOUTUBE_CHAPTERS, YOUTUBE_SUMMARIES and GenerateRequest stay importable from
# here (``X as X`` above) although only the scripted answers, now in ``_demo_answers``, use them.
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

RAG_MARKER = "Answer using only the transcript excerpts below"
"""Prompts with this phrase get a grounded answer citing timestamps (``examples/rag_video.py``)."""


# --------------------------------------------------------------------------- sample media
# (the scripted answers about them are in ``_demo_answers``)


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


# --------------------------------------------------------------------------- the demo world


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
    from langchain_gemini_vision._core.client import api_key_from_env, build_llm, default_model_name

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
