"""``gemini-vision``: caption, detect, transcribe and summarize from the command line.

Run ``gemini-vision --help`` (or ``gemini-vision <command> --help``). Results go to stdout (text for
people, or ``--json`` for scripts); progress bars and notes go to stderr, drawn only on a terminal.
Errors are one line on stderr with a documented exit code (see ``EXIT_CODES_HELP``).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TypeAlias

from langchain_gemini_vision import __version__
from langchain_gemini_vision.cli._batch import add_batch_parser, cmd_batch
from langchain_gemini_vision.cli._commands import COMMANDS, Context
from langchain_gemini_vision.cli._errors import (
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    EXIT_OK,
    exit_code_for,
    one_line,
)

__all__ = ["build_parser", "main"]

_DESCRIPTION = """\
Gemini vision from the command line: caption images, detect objects as pixel boxes, transcribe
videos with [MM:SS] timestamps, summarize YouTube videos, and manage Gemini File API uploads.

Start with `gemini-vision demo`: it runs offline (no API key needed) against a local emulator."""

_EPILOG = f"""\
examples:
  gemini-vision demo                                   offline tour, writes ./gemini-vision-demo/
  gemini-vision caption photo.jpg --style one_line
  gemini-vision detect photo.jpg cat dog --annotate boxes.png
  gemini-vision transcribe talk.mp4 --srt -o talk.srt
  gemini-vision youtube "https://youtu.be/aircAruvnKk" --style bullets
  gemini-vision files ls --json
  gemini-vision batch submit photos/ --job photos.job.json

environment:
  GOOGLE_API_KEY / GEMINI_API_KEY   API key (https://aistudio.google.com/apikey)
  GEMINI_VISION_MODEL               model (default gemini-3.5-flash)
  GEMINI_VISION_BASE_URL            API endpoint, e.g. a FakeGeminiServer for tests
  GEMINI_VISION_DEBUG=1             show the full traceback of an error

{EXIT_CODES_HELP}"""

_FORMATTER = argparse.RawDescriptionHelpFormatter


def _wrap(text: str) -> str:
    """Wrap a description for the raw formatter (which keeps our hand-made epilog layout)."""
    return textwrap.fill(text, width=79)


_Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("common options")
    group.add_argument(
        "--json", action="store_true", help="print the full result as JSON on stdout (for scripts)"
    )
    group.add_argument("--model", help="Gemini model (default: $GEMINI_VISION_MODEL or a Flash)")
    group.add_argument(
        "--max-retries",
        type=int,
        default=3,
        metavar="N",
        help="retries of failed API calls (429/5xx/network), default 3",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars or notes on stderr"
    )
    return common


def _add_caption(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "caption",
        parents=[common],
        formatter_class=_FORMATTER,
        help="describe images or answer a question about them",
        description=_wrap("Describe one or more images (in order), or answer --prompt about them."),
        epilog="example:\n  gemini-vision caption a.jpg b.jpg --prompt 'What changed?'",
    )
    p.add_argument("images", nargs="+", metavar="IMAGE", help="path, https URL or files/... name")
    p.add_argument("-p", "--prompt", help="your question or instruction (overrides --style)")
    p.add_argument(
        "--style",
        choices=["one_line", "detailed", "alt_text", "transcribe"],
        default="detailed",
        help="preset when no --prompt is given (default: detailed); "
        "transcribe also copies visible text",
    )
    _add_max_side(p)


def _max_side(value: str) -> int | str:
    if value == "original":
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither a number of pixels nor 'original'"
        ) from None


def _add_max_side(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-side",
        type=_max_side,
        metavar="PX",
        help="downscale so the longest side is at most PX; 'original' sends full size "
        "(default: the model's pixel budget at its media resolution)",
    )


def _add_detect(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "detect",
        parents=[common],
        formatter_class=_FORMATTER,
        help="find objects and print their pixel boxes",
        description=_wrap(
            "Find objects in an image. Boxes are printed as (x_min, y_min, x_max, y_max) in pixels "
            "of the upright image (EXIF rotation applied). One TARGET is a description; several "
            "TARGETs are object names."
        ),
        epilog=(
            "examples:\n"
            "  gemini-vision detect street.jpg 'every person on a bicycle'\n"
            "  gemini-vision detect desk.png mug laptop --annotate desk-boxes.png"
        ),
    )
    p.add_argument("image", metavar="IMAGE", help="path, https URL or files/... name")
    p.add_argument("target", nargs="+", metavar="TARGET", help="what to find")
    p.add_argument(
        "--annotate", metavar="OUT.png", help="also draw the boxes on the image, saved here"
    )
    p.add_argument("--max-objects", type=int, default=25, metavar="N", help="default 25")
    p.add_argument("--masks", action="store_true", help="also ask for segmentation masks")
    _add_max_side(p)


def _add_transcribe(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "transcribe",
        parents=[common],
        formatter_class=_FORMATTER,
        help="timestamped transcript of a video (text, SRT, WebVTT or JSON)",
        description=_wrap(
            "Transcribe a video with [MM:SS] timestamps and descriptions of what is shown. Local "
            "files over 20 MB are uploaded through the File API (progress on stderr), used, then "
            "deleted. Default output: one '[MM:SS] text' line per segment."
        ),
        epilog=(
            "examples:\n"
            "  gemini-vision transcribe talk.mp4 --srt -o talk.srt\n"
            "  gemini-vision transcribe 'https://youtu.be/aircAruvnKk' --start 2:00 --end 5:00"
        ),
    )
    p.add_argument("video", metavar="VIDEO", help="path, files/... name, gs:// URI or YouTube link")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--srt", action="store_true", help="write SubRip subtitles")
    fmt.add_argument("--vtt", action="store_true", help="write WebVTT subtitles")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--start", metavar="MM:SS", help="start of the part to transcribe")
    p.add_argument("--end", metavar="MM:SS", help="end of the part to transcribe")
    p.add_argument("--language", help="write the transcript in this language")
    p.add_argument("--no-visual", action="store_true", help="speech only, no visual descriptions")
    p.add_argument("--speakers", action="store_true", help="label speakers")
    p.add_argument("--fps", type=float, help="frames sampled per second, in (0, 24]")
    p.add_argument(
        "--timeout", type=float, metavar="S", help="max seconds to wait for File API processing"
    )


def _add_youtube(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "youtube",
        parents=[common],
        formatter_class=_FORMATTER,
        help="summarize a public YouTube video with chapter links",
        description=_wrap(
            "Summarize one public YouTube video; chapters come with links that jump to them. "
            "Channels, playlists and private videos are refused (exit code 3)."
        ),
        epilog="example:\n  gemini-vision youtube 'https://youtu.be/aircAruvnKk' --style chapters",
    )
    p.add_argument("url", metavar="URL", help="watch, youtu.be, shorts, live or embed link")
    p.add_argument(
        "--style",
        choices=["brief", "detailed", "bullets", "chapters"],
        default="brief",
        help="default: brief",
    )
    p.add_argument("--start", metavar="MM:SS", help="start of the part to summarize")
    p.add_argument("--end", metavar="MM:SS", help="end of the part to summarize")
    p.add_argument("--language", help="write the summary in this language")


def _add_files(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "files",
        formatter_class=_FORMATTER,
        help="list, upload, wait for and delete Gemini File API files",
        description=_wrap(
            "Manage files in the Gemini File API (kept 48 h, 2 GB each, 20 GB per project)."
        ),
        epilog=(
            "examples:\n"
            "  gemini-vision files upload talk.mp4          upload, then wait until ACTIVE\n"
            "  gemini-vision files wait files/abc123 --timeout 600\n"
            "  gemini-vision files rm files/abc123\n"
            "  gemini-vision files prune                     delete uploads left by failed deletes"
        ),
    )
    files = p.add_subparsers(dest="files_command", metavar="ACTION", required=True)
    files.add_parser(
        "ls", parents=[common], help="list the project's files", description="List files."
    )
    up = files.add_parser(
        "upload",
        parents=[common],
        help="upload files and wait until ACTIVE",
        description=_wrap(
            "Upload local files (progress bar on stderr), then wait until each is ACTIVE."
        ),
    )
    up.add_argument("paths", nargs="+", metavar="PATH")
    up.add_argument("--no-wait", action="store_true", help="return right after the upload")
    up.add_argument("--mime-type", help="content type (default: sniffed from the bytes)")
    up.add_argument("--timeout", type=float, metavar="S", help="max seconds to wait per file")
    wait = files.add_parser(
        "wait",
        parents=[common],
        help="wait until files are ACTIVE",
        description=_wrap("Poll until each file is ACTIVE (exit 4 when FAILED or on --timeout)."),
    )
    wait.add_argument("names", nargs="+", metavar="NAME", help="files/<id> or its URI")
    wait.add_argument("--timeout", type=float, metavar="S", help="max seconds to wait per file")
    rm = files.add_parser(
        "rm", parents=[common], help="delete files", description="Delete files (gone is fine)."
    )
    rm.add_argument("names", nargs="*", metavar="NAME", help="files/<id> or its URI")
    files.add_parser(
        "prune",
        parents=[common],
        help="delete temporary uploads whose deletion failed earlier",
        description=_wrap(
            "Delete the temporary uploads whose DELETE kept failing (recorded in the cache "
            "folder, next to the reuse index), and forget their records."
        ),
    )
    rm.add_argument("--owned", action="store_true", help="delete every file this library uploaded")


def _add_demo(sub: _Sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo",
        parents=[common],
        formatter_class=_FORMATTER,
        help="a tour of every feature (offline when no API key is set)",
        description=_wrap(
            "Caption and detect objects in a sample image (writes an annotated PNG), transcribe a "
            "sample video and summarize a YouTube lecture. Without an API key it runs offline "
            "against a local FakeGeminiServer with scripted answers, and says so first."
        ),
    )
    p.add_argument(
        "--out",
        default="gemini-vision-demo",
        metavar="DIR",
        help="where to write the samples and the annotated image (default ./gemini-vision-demo)",
    )
    p.add_argument("--offline", action="store_true", help="use the emulator even if a key is set")
    p.add_argument("--video", metavar="PATH", help="live mode: a real video to transcribe")


def build_parser() -> argparse.ArgumentParser:
    """The ``gemini-vision`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="gemini-vision",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=_FORMATTER,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()
    for add in (_add_caption, _add_detect, _add_transcribe, _add_youtube, _add_files, _add_demo):
        add(sub, common)
    add_batch_parser(sub, common)
    return parser


def _demo(ctx: Context) -> int:
    # Imported on use: the demo starts the bundled emulator, which other commands never need.
    from langchain_gemini_vision.cli._demo import run_demo

    return run_demo(ctx)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it).

    Args:
        argv: Arguments without the program name (default ``sys.argv[1:]``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    ctx = Context(args=args, out=sys.stdout, err=sys.stderr)
    try:
        return {**COMMANDS, "demo": _demo, "batch": cmd_batch}[args.command](ctx)
    except KeyboardInterrupt:
        ctx.err.write("\ngemini-vision: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # every failure becomes one line and an exit code
        if os.environ.get("GEMINI_VISION_DEBUG"):
            raise
        ctx.close_progress()
        ctx.err.write(f"gemini-vision: error: {one_line(exc)}\n")
        return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
