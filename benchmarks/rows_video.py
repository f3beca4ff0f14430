"""Windowed video rows: whole transcription wall time vs its slowest window / the ideal schedule."""

from __future__ import annotations

from _harness import Row
from bench_video import run

from langchain_gemini_vision import transcribe_video
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4


def _warm_up() -> None:
    """One short inline transcription: the process's first model call pays one-time costs
    (lazy imports, the first HTTP connection; ~0.2 s) that are not what these rows measure.
    Inline, so no File API wait happens and no processing evidence is learned."""
    with FakeGeminiServer() as server:
        transcribe_video(make_mp4(30), llm=server.llm())


def rows(smoke: bool) -> list[Row]:
    latency = 0.1 if smoke else 1.0
    out: list[Row] = []
    _warm_up()
    durations = (600.0,) if smoke else (600.0, 3 * 3600.0)
    for duration in durations:
        # Enough concurrency for every window at once: the bar is wall / slowest single window.
        result = run(latency, 64, use_async=False, duration_s=duration, policy=None)
        out.append(
            Row(
                f"{duration / 60:g}-min video, default poll policy, {latency:g} s per window: "
                "wall / slowest window",
                f"{result['total_wall_s']:.2f} s",
                f"{result['slowest_window_s']:.2f} s",
                result["ratio"],
                1.3,
                note=f"{result['windows']} windows",
            )
        )
    result = run(latency, 4, use_async=True, duration_s=6 * 3600.0, policy=None)
    out.append(
        Row(
            f"6-h video ({result['windows']} windows) at concurrency 4: wall / ideal schedule",
            f"{result['total_wall_s']:.2f} s",
            f"{result['ideal_s']:.2f} s",
            result["total_wall_s"] / result["ideal_s"],
            1.15,
        )
    )
    return out
