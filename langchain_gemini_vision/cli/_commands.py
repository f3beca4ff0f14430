"""The CLI's commands: each takes a :class:`Context` and returns an exit code.

The CLI is a person working on their own machine, so media go through the core functions with
their default (permissive) trust policy, like any developer call.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import build_llm
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.cli._errors import EXIT_OK, EXIT_USAGE
from langchain_gemini_vision.cli._progress import Progress
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.image._imaging import image_limits
from langchain_gemini_vision.image.annotate import annotate_image
from langchain_gemini_vision.image.captioning import caption_image
from langchain_gemini_vision.image.detection import detect_objects
from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.types import (
    DetectionResult,
    GeminiFile,
    Transcript,
    VideoSummary,
    format_timestamp,
)
from langchain_gemini_vision.video.transcription import WindowProgress, transcribe_video
from langchain_gemini_vision.video.youtube import summarize_youtube

POLL_POLICY: PollPolicy | None = None
"""How File API waits poll (None: the library default, first look again after 0.5 s)."""


@dataclass
class Context:
    """What every command needs: parsed arguments, output streams, the model, progress lines."""

    args: argparse.Namespace
    out: TextIO
    err: TextIO
    _llm: ChatGoogleGenerativeAI | None = None
    _open: list[Progress] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        """No notes or progress on stderr."""
        return bool(getattr(self.args, "quiet", False))

    @property
    def as_json(self) -> bool:
        """Print results as JSON."""
        return bool(getattr(self.args, "json", False))

    def llm(self) -> ChatGoogleGenerativeAI:
        """The chat model, built once from the environment and the options."""
        if self._llm is None:
            self._llm = build_llm(
                getattr(self.args, "model", None), max_retries=self.args.max_retries + 1
            )
        return self._llm

    def manager(self) -> GeminiFileManager:
        """A File API manager on the same model."""
        return GeminiFileManager(self.llm(), poll_policy=POLL_POLICY)

    def note(self, text: str) -> None:
        """A line for people on stderr (suppressed by ``--quiet``)."""
        if not self.quiet:
            self.err.write(text + "\n")

    def print(self, text: str = "") -> None:
        """A line of the result on stdout."""
        self.out.write(text + "\n")

    def print_json(self, value: Any) -> None:
        """The result as pretty JSON on stdout."""
        self.out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")

    @contextmanager
    def progress(self, label: str) -> Iterator[Progress]:
        """A progress line, closed on exit (drawn only on a terminal, never with ``--quiet``)."""
        bar = Progress(label, stream=self.err, enabled=False if self.quiet else None)
        self._open.append(bar)
        try:
            yield bar
        finally:
            self._open.remove(bar)
            bar.close()

    def close_progress(self) -> None:
        """End open progress lines, so an error message starts on its own line."""
        for bar in list(self._open):
            bar.close()


# --------------------------------------------------------------------------- caption / detect


def cmd_caption(ctx: Context) -> int:
    """``caption``: describe images or answer a prompt about them."""
    a = ctx.args
    result = caption_image(
        a.images, prompt=a.prompt, style=a.style, llm=ctx.llm(), max_image_side=a.max_side
    )
    if ctx.as_json:
        ctx.print_json(result.model_dump(mode="json"))
    else:
        ctx.print(result.text)
        for warning in result.warnings:
            ctx.note(f"note: {warning}")
    return EXIT_OK


def detection_lines(result: DetectionResult) -> list[str]:
    """A header and one aligned ``label  (x_min, y_min, x_max, y_max)`` line per detection."""
    n = len(result.detections)
    lines = [
        f"{n} object{'s' if n != 1 else ''} in the {result.image_width}x{result.image_height} "
        "image (x_min, y_min, x_max, y_max in pixels):"
    ]
    width = max((len(d.label) for d in result.detections), default=0)
    lines.extend(f"  {d.label.ljust(width)}  {d.box}" for d in result.detections)
    return lines


def cmd_detect(ctx: Context) -> int:
    """``detect``: find objects, print pixel boxes, optionally save an annotated image."""
    a = ctx.args
    target: str | list[str] = a.target[0] if len(a.target) == 1 else list(a.target)
    llm = ctx.llm()
    side, budget = image_limits(a.max_side, llm, None)  # the same default size as the library
    prepared = prepare_media(a.image, max_image_side=side, expect="image", max_image_pixels=budget)
    result = detect_objects(
        prepared, target, llm=llm, max_objects=a.max_objects, with_masks=a.masks
    )
    annotated: str | None = None
    if a.annotate:
        pixels: Any = prepared.data if prepared.data is not None else prepared.path
        if pixels is None:
            ctx.note("note: --annotate needs the image's pixels (a local file or URL); skipped")
        else:
            out = Path(a.annotate)
            out.parent.mkdir(parents=True, exist_ok=True)
            annotate_image(pixels, result).save(out)
            annotated = str(out)
    if ctx.as_json:
        data = result.model_dump(mode="json")
        if annotated:
            data["annotated_image_path"] = annotated
        ctx.print_json(data)
        return EXIT_OK
    for line in detection_lines(result):
        ctx.print(line)
    for warning in result.warnings:
        ctx.note(f"note: {warning}")
    if annotated:
        ctx.note(f"annotated image: {annotated}")
    return EXIT_OK


# --------------------------------------------------------------------------- transcribe


def _upload_and_wait(
    ctx: Context, manager: GeminiFileManager, path: str, *, timeout: float | None
) -> GeminiFile:
    name = os.path.basename(path)
    with ctx.progress(f"upload {name}") as bar:
        uploaded = manager.upload(path, on_progress=bar.bytes)
    with ctx.progress("processing") as bar:
        return manager.wait_until_active(uploaded, timeout=timeout, on_progress=bar.poll)


def render_transcript(transcript: Transcript, args: argparse.Namespace) -> str:
    """The transcript in the requested format (text, SRT, WebVTT or JSON)."""
    if args.srt:
        return transcript.to_srt()
    if args.vtt:
        return transcript.to_vtt()
    if args.json:
        return json.dumps(transcript.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return transcript.to_text() + "\n"


def cmd_transcribe(ctx: Context) -> int:
    """``transcribe``: a timestamped transcript; big local files are uploaded with progress."""
    a = ctx.args
    if a.json and (a.srt or a.vtt):
        ctx.err.write("gemini-vision: error: choose one of --srt, --vtt and --json\n")
        return EXIT_USAGE
    llm = ctx.llm()
    prepared = prepare_media(a.video, expect="video")
    manager = ctx.manager()
    uploaded: GeminiFile | None = None
    video: Any = prepared
    if prepared.needs_upload and prepared.path is not None:
        uploaded = _upload_and_wait(ctx, manager, str(prepared.path), timeout=a.timeout)
        video = uploaded.name
    try:
        with ctx.progress("transcribing") as bar:

            def step(p: WindowProgress) -> None:
                bar.steps(p.completed, p.total)

            transcript = transcribe_video(
                video, llm=llm, language=a.language, visual=not a.no_visual,
                speakers=a.speakers, start=a.start, end=a.end, fps=a.fps,
                on_progress=step, manager=manager,
            )  # fmt: skip
    finally:
        if uploaded is not None:
            manager.delete(uploaded)
    if uploaded is not None:
        # The upload was only for this command and is gone now: do not report its URI.
        transcript = transcript.model_copy(
            update={"source": str(prepared.path), "gemini_file_uri": None}
        )
    text = render_transcript(transcript, a)
    if a.output:
        Path(a.output).write_text(text, encoding="utf-8")
        ctx.note(f"wrote {len(transcript.segments)} segment(s) to {a.output}")
    else:
        ctx.out.write(text)
    for warning in transcript.warnings:
        ctx.note(f"note: {warning}")
    return EXIT_OK


# --------------------------------------------------------------------------- youtube


def summary_lines(summary: VideoSummary) -> list[str]:
    """The summary, then ``[MM:SS] title  link`` per chapter."""
    lines = [summary.text.strip()]
    if summary.chapters:
        lines += ["", "Chapters:"]
        lines += [f"  [{format_timestamp(c.start_s)}] {c.title}  {c.url}" for c in summary.chapters]
    return lines


def cmd_youtube(ctx: Context) -> int:
    """``youtube``: summary with chapter deep links."""
    a = ctx.args
    summary = summarize_youtube(
        a.url, style=a.style, start=a.start, end=a.end, language=a.language, llm=ctx.llm()
    )
    if ctx.as_json:
        ctx.print_json(summary.model_dump(mode="json"))
    else:
        for line in summary_lines(summary):
            ctx.print(line)
    return EXIT_OK


# --------------------------------------------------------------------------- files


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def file_line(f: GeminiFile) -> str:
    """``files/abc  ACTIVE  video/mp4  12.3 MB  expires 2025-01-01 12:00  name``."""
    expires = f.expiration_time.strftime("%Y-%m-%d %H:%M") if f.expiration_time else "?"
    return "  ".join(
        [f.name, f.state.ljust(10), (f.mime_type or "?").ljust(16), _size(f.size_bytes).rjust(9),
         f"expires {expires}", f.display_name or ""]
    ).rstrip()  # fmt: skip


def _print_files(ctx: Context, files: list[GeminiFile]) -> None:
    if ctx.as_json:
        ctx.print_json([f.model_dump(mode="json") for f in files])
    else:
        for f in files:
            ctx.print(file_line(f))


def cmd_files(ctx: Context) -> int:
    """``files ls|upload|wait|rm|prune``."""
    a = ctx.args
    manager = ctx.manager()
    action = a.files_command
    if action == "ls":
        files = list(manager.list())
        _print_files(ctx, files)
        if not files:
            ctx.note("no files")
    elif action == "upload":
        done: list[GeminiFile] = []
        for path in a.paths:
            label = os.path.basename(path)
            with ctx.progress(f"upload {label}") as bar:
                file = manager.upload(path, mime_type=a.mime_type, on_progress=bar.bytes)
            if not a.no_wait:
                with ctx.progress(f"processing {label}") as bar:
                    file = manager.wait_until_active(file, timeout=a.timeout, on_progress=bar.poll)
            done.append(file)
        _print_files(ctx, done)
    elif action == "wait":
        ready = []
        for name in a.names:
            with ctx.progress("waiting") as bar:
                ready.append(
                    manager.wait_until_active(name, timeout=a.timeout, on_progress=bar.poll)
                )
        _print_files(ctx, ready)
    elif action == "prune":
        pruned = manager.prune_orphans()
        left = manager.pending_deletions()
        if ctx.as_json:
            ctx.print_json({"deleted": pruned, "still_pending": left})
        else:
            for name in pruned:
                ctx.print(f"{name}  deleted")
            ctx.note(f"{len(pruned)} deleted, {len(left)} still pending")
    else:
        return _files_rm(ctx, manager)
    return EXIT_OK


def _files_rm(ctx: Context, manager: GeminiFileManager) -> int:
    a = ctx.args
    if not a.names and not a.owned:
        ctx.err.write("gemini-vision: error: files rm needs NAME(s) or --owned\n")
        return EXIT_USAGE
    results = {name: manager.delete(name) for name in a.names}
    if a.owned:
        results.update({name: True for name in manager.delete_owned()})
    if ctx.as_json:
        ctx.print_json([{"name": n, "deleted": d} for n, d in results.items()])
    else:
        for name, deleted in results.items():
            ctx.print(f"{name}  {'deleted' if deleted else 'already gone'}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[Context], int]] = {
    "caption": cmd_caption,
    "detect": cmd_detect,
    "transcribe": cmd_transcribe,
    "youtube": cmd_youtube,
    "files": cmd_files,
}
"""The commands built on the core functions (``demo`` and ``batch`` are added by the CLI's main
module: they use these commands' helpers, so registering them here would be an import cycle)."""
