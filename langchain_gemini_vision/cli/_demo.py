"""``gemini-vision demo``: every capability on the bundled samples, offline when no key is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_gemini_vision.cli._commands import Context, detection_lines, summary_lines
from langchain_gemini_vision.cli._errors import EXIT_OK
from langchain_gemini_vision.image.annotate import annotate_image
from langchain_gemini_vision.image.captioning import caption_image
from langchain_gemini_vision.image.detection import detect_objects
from langchain_gemini_vision.testing.demo import demo_session
from langchain_gemini_vision.video.transcription import transcribe_video
from langchain_gemini_vision.video.youtube import summarize_youtube

EXCERPT_LINES = 4


def _heading(ctx: Context, text: str) -> None:
    ctx.print()
    ctx.print(f"== {text}")


def run_demo(ctx: Context) -> int:
    """Caption, detect (with an annotated PNG), transcribe and summarize; print what came back."""
    a = ctx.args
    out = Path(a.out)
    offline = True if a.offline else None
    with demo_session(out, offline=offline) as session:
        ctx.print(session.banner)
        llm, samples = session.llm, session.samples
        report: dict[str, Any] = {"offline": session.offline, "folder": str(samples.folder)}

        caption = caption_image(samples.image, style="detailed", llm=llm)
        report["caption"] = caption.model_dump(mode="json")
        _heading(ctx, f"Caption of {samples.image.name}  (caption_image)")
        ctx.print(caption.text)

        found = detect_objects(samples.image, "every object on the desk", llm=llm)
        annotated = samples.folder / "scene-annotated.png"
        annotate_image(samples.image, found).save(annotated)
        report["detections"] = found.model_dump(mode="json")
        report["annotated_image_path"] = str(annotated)
        _heading(ctx, "Objects on the desk  (detect_objects)")
        for line in detection_lines(found):
            ctx.print(line)
        ctx.print(f"Annotated image: {annotated}")

        video = Path(a.video) if a.video else (samples.video if session.offline else None)
        _heading(ctx, "Transcript excerpt  (transcribe_video)")
        if video is None:
            ctx.print("Skipped: the bundled sample video has no real frames; pass --video PATH.")
        else:
            transcript = transcribe_video(video, llm=llm)
            report["transcript"] = transcript.model_dump(mode="json")
            lines = transcript.to_text().splitlines()
            for line in lines[:EXCERPT_LINES]:
                ctx.print(line)
            if len(lines) > EXCERPT_LINES:
                ctx.print(f"... ({len(lines) - EXCERPT_LINES} more segments; try --srt)")

        summary = summarize_youtube(samples.youtube_url, style="brief", llm=llm)
        report["youtube"] = summary.model_dump(mode="json")
        _heading(ctx, f"YouTube summary of {samples.youtube_url}  (summarize_youtube)")
        for line in summary_lines(summary):
            ctx.print(line)

        ctx.print()
        ctx.print(f"Sample media and the annotated image are in {samples.folder}/")
        ctx.print("Next: `gemini-vision caption <your image>` with GOOGLE_API_KEY set, or")
        ctx.print("      `python examples/agent.py` for an agent that uses all four tools.")
    if ctx.as_json:
        ctx.print_json(report)
    return EXIT_OK
