"""``gemini-vision batch submit|status|wait|results|cancel``: Batch Mode over a folder or list.

Every command after ``submit`` works from the job file (``--job``), so a job submitted today can
be waited for and read tomorrow, from another shell. Results are JSONL on stdout (or ``-o``): one
line per input, in input order, with the input path as the key.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, TypeAlias

from langchain_gemini_vision.batch import (
    BatchJob,
    BatchRequest,
    caption_request,
    detection_request,
    submit_batch,
)
from langchain_gemini_vision.cli._commands import Context
from langchain_gemini_vision.cli._errors import EXIT_OK, EXIT_PROCESSING, EXIT_USAGE

_Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
_IMAGE_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".heic",
    ".heif",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
}


def add_batch_parser(sub: _Sub, common: argparse.ArgumentParser) -> None:
    """Register ``batch`` and its actions."""
    p = sub.add_parser(
        "batch",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="caption or detect in many images through Gemini Batch Mode (half price)",
        description=(
            "Submit many images as one Batch Mode job (half price, results within 24 h), then\n"
            "check, wait for, read or cancel it from the job file."
        ),
        epilog=(
            "examples:\n"
            "  gemini-vision batch submit photos/ --job photos.job.json --style one_line\n"
            "  gemini-vision batch submit list.txt --task detect --target cat --job cats.json\n"
            "  gemini-vision batch wait --job photos.job.json\n"
            "  gemini-vision batch results --job photos.job.json -o captions.jsonl"
        ),
    )
    actions = p.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    submit = actions.add_parser("submit", parents=[common], help="submit a job")
    submit.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="image files, folders, or .txt lists of paths"
    )
    submit.add_argument("--job", required=True, metavar="FILE", help="where to save the job file")
    submit.add_argument("--task", choices=["caption", "detect"], default="caption")
    submit.add_argument("--style", default="detailed", help="caption style (default detailed)")
    submit.add_argument("--prompt", help="your own instruction instead of --style")
    submit.add_argument("--target", action="append", help="detect: what to find (repeatable)")
    submit.add_argument("--display-name", help="the job's display name")
    for action, text in (
        ("status", "show the job's state and progress"),
        ("wait", "wait until the job ends (progress bar on stderr)"),
        ("results", "print the results as JSONL, in input order"),
        ("cancel", "cancel the job"),
    ):
        parser = actions.add_parser(action, parents=[common], help=text, description=text)
        parser.add_argument("--job", required=True, metavar="FILE", help="the job file")
        if action == "wait":
            parser.add_argument("--poll", type=float, metavar="S", help="seconds between polls")
            parser.add_argument("--timeout", type=float, metavar="S", help="give up after S s")
        if action == "results":
            parser.add_argument("-o", "--output", metavar="FILE", help="write JSONL here")


def collect_inputs(inputs: list[str]) -> list[Path]:
    """Image paths from files, folders (sorted, not recursive) and ``.txt`` lists (one path per
    line, ``#`` comments), in order."""
    out: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES))
        elif path.suffix.lower() == ".txt":
            base = path.parent  # relative entries are relative to the list file
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    out.append((base / line.strip()).resolve())
        else:
            out.append(path)
    return out


def _requests(ctx: Context, paths: list[Path]) -> list[BatchRequest]:
    a = ctx.args
    if a.task == "detect":
        target = a.target or []
        return [detection_request(p, target, key=str(p)) for p in paths]
    return [caption_request(p, style=a.style, prompt=a.prompt, key=str(p)) for p in paths]


def _status(ctx: Context, job: BatchJob) -> None:
    progress = job.progress
    if ctx.as_json:
        ctx.print_json(
            {
                "name": job.name,
                "state": job.state,
                "total": progress.total,
                "succeeded": progress.succeeded,
                "failed": progress.failed,
                "pending": progress.pending,
            }
        )
    else:
        ctx.print(f"{job.name}  {job.state}  {progress.describe()}")


def _write_results(ctx: Context, job: BatchJob, out: IO[str]) -> int:
    failed = 0
    for item in job.results():
        line: dict[str, object] = {"key": item.key, "index": item.index}
        if item.result is not None:
            line["result"] = item.result.model_dump(mode="json")
        else:
            failed += 1
            line["error"] = {"type": type(item.error).__name__, "message": str(item.error)}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failed:
        ctx.note(f"{failed} item(s) failed; their lines hold the error")
    return EXIT_OK


def cmd_batch(ctx: Context) -> int:
    """Run one ``batch`` action."""
    a = ctx.args
    if a.batch_command == "submit":
        paths = collect_inputs(a.inputs)
        if not paths:
            ctx.err.write("gemini-vision: error: batch submit found no images in the inputs\n")
            return EXIT_USAGE
        if a.task == "detect" and not a.target:
            ctx.err.write("gemini-vision: error: batch submit --task detect needs --target\n")
            return EXIT_USAGE
        with ctx.progress("build") as bar:
            job = submit_batch(
                _requests(ctx, paths),
                llm=ctx.llm(),
                job_path=a.job,
                display_name=a.display_name,
                on_item=lambda n: bar.steps(n, len(paths), "items"),
            )
        ctx.note(f"submitted {job.name} ({len(paths)} items); job file {a.job}")
        _status(ctx, job)
        return EXIT_OK
    job = BatchJob.load(a.job, llm=ctx.llm())
    if a.batch_command == "status":
        _status(ctx, job.refresh())
    elif a.batch_command == "wait":
        with ctx.progress(str(job.name)) as bar:
            job.wait(
                poll=a.poll,
                timeout=a.timeout,
                on_progress=lambda j: bar.steps(j.progress.finished, j.progress.total, j.state),
            )
        _status(ctx, job)
        return EXIT_OK if job.state == "SUCCEEDED" else EXIT_PROCESSING
    elif a.batch_command == "results":
        if a.output:
            with open(a.output, "w", encoding="utf-8") as out:
                return _write_results(ctx, job, out)
        return _write_results(ctx, job, ctx.out)
    else:
        _status(ctx, job.cancel())
    return EXIT_OK
