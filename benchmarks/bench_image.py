"""Image benchmarks (issue 4). Run: .venv/bin/python benchmarks/bench_image.py [--runs N]

(a) Preprocessing a 12 MP phone JPEG (4032x3024, EXIF orientation 6) to an upright 1536 px copy:
    the package's path (``prepare_media(..., max_image_side=1536)``: JPEG draft mode, reduce,
    transpose) against the naive open / exif_transpose / resize / re-encode path.
    Target: package time <= 1/3 of naive time.
(b) ``GeminiObjectDetectionTool.invoke`` against a hand-written ``ChatGoogleGenerativeAI.invoke``
    with the same image, prompt and schema, both against FakeGeminiServer. The hand-written call
    is measured twice: as LangChain's docs show it (a base64 string in the block; the judged
    baseline) and with raw bytes (what the package sends; printed so the gap stays visible).
    Target: tool overhead <= 10 % (medians, after a warm-up, runs interleaved).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _harness import interleaved_s
from langchain_core.messages import HumanMessage
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

from langchain_gemini_vision.image.detection import detection_prompt, detection_schema
from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.tools import GeminiObjectDetectionTool

TARGET_SIDE = 1536


def phone_photo(width: int = 4032, height: int = 3024, orientation: int = 6) -> bytes:
    """A photo-like 12 MP JPEG (gradients, shapes, sensor-like noise) tagged with an orientation."""
    base = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width // 4, height // 4), 40).resize((width, height))
    img = Image.merge("RGB", (base, noise, ImageOps.invert(base)))
    draw = ImageDraw.Draw(img)
    for i in range(40):
        x, y = (i * 97) % width, (i * 61) % height
        draw.ellipse((x, y, x + 300, y + 200), fill=((i * 40) % 255, 120, (i * 90) % 255))
    img = img.filter(ImageFilter.GaussianBlur(1))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def naive_preprocess(data: bytes) -> bytes:
    """What most code does: decode everything, rotate, resize, re-encode."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    scale = TARGET_SIDE / max(img.size)
    img = img.resize(
        (round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


def package_preprocess(data: bytes) -> bytes:
    prepared = prepare_media(data, max_image_side=TARGET_SIDE, expect="image")
    assert prepared.data is not None
    return prepared.data


def median_ms(fn: Callable[[], object], runs: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def interleaved_ms(
    fns: dict[str, Callable[[], object]], runs: int, warmup: int
) -> dict[str, float]:
    """Medians of runs that alternate between the functions, so drift hits all equally."""
    return {name: s * 1000 for name, s in interleaved_s(fns, runs, warmup).items()}


def bench_preprocess(runs: int) -> dict[str, float]:
    data = phone_photo()
    fns = {
        "naive": lambda: naive_preprocess(data),
        "package": lambda: package_preprocess(data),
    }
    outputs = {}
    for name, fn in fns.items():
        outputs[name] = Image.open(io.BytesIO(fn())).convert("RGB")
        assert outputs[name].size == (1152, 1536), outputs[name].size  # upright and downscaled
    times = interleaved_ms(fns, runs, warmup=2)
    for name in ("package",):
        # Mean absolute difference to the naive (full decode + LANCZOS) output, 0-255 scale.
        diff = ImageChops.difference(outputs[name], outputs["naive"]).convert("L")
        times[f"{name}_diff"] = ImageStat.Stat(diff).mean[0]
    return times


def bench_tool_overhead(runs: int) -> tuple[float, float]:
    answer = (
        "```json\n"
        + json.dumps(
            [{"box_2d": [100 + i, 100, 300 + i, 400], "label": f"object {i}"} for i in range(10)]
        )
        + "\n```"
    )
    photo = phone_photo(1600, 1200, orientation=1)  # an upright photo, sent as is
    target = "every object"
    with FakeGeminiServer() as server, tempfile.TemporaryDirectory() as folder:
        server.add_rule(text=answer)
        path = Path(folder) / "photo.jpg"
        path.write_bytes(photo)
        llm = server.llm()
        tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[folder])
        schema = detection_schema(max_objects=25, with_masks=False)
        prompt = detection_prompt(target, max_objects=25, with_masks=False)

        def hand_written() -> object:
            # What a developer would write by hand: read the file, send it, get the text back.
            data = base64.b64encode(path.read_bytes()).decode()
            message = HumanMessage(
                content=[
                    {"type": "media", "data": data, "mime_type": "image/jpeg"},
                    {"type": "text", "text": prompt},
                ]
            )
            return llm.invoke(
                [message], response_mime_type="application/json", response_json_schema=schema
            ).content

        def hand_written_bytes() -> object:
            # The fastest hand-written form: raw bytes in the block (what the package sends), so
            # langchain-google-genai skips its base64 clean-up, validation and decode.
            message = HumanMessage(
                content=[
                    {"type": "media", "data": path.read_bytes(), "mime_type": "image/jpeg"},
                    {"type": "text", "text": prompt},
                ]
            )
            return llm.invoke(
                [message], response_mime_type="application/json", response_json_schema=schema
            ).content

        def with_tool() -> object:
            return tool.invoke({"image": str(path), "target": target})

        assert "10 objects" in str(with_tool())
        times = interleaved_ms(
            {"hand": hand_written, "hand_bytes": hand_written_bytes, "tool": with_tool},
            runs,
            warmup=10,
        )
        server.clear_log()
    return times["hand"], times["hand_bytes"], times["tool"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="preprocessing runs (a)")
    parser.add_argument("--tool-runs", type=int, default=200, help="tool runs (b)")
    args = parser.parse_args()

    pre = bench_preprocess(args.runs)
    naive, ours = pre["naive"], pre["package"]
    hand, hand_bytes, tool = bench_tool_overhead(args.tool_runs)
    ratio = ours / naive
    overhead = (tool - hand) / hand
    # The target is judged against the form LangChain's docs show (a base64 string). The raw-bytes
    # form is what the package itself sends; the gap to it is printed too, so nobody mistakes the
    # package's encoding shortcut for zero overhead.
    overhead_strict = (tool - hand_bytes) / hand_bytes
    rows = [
        ("(a) naive open/transpose/resize/encode, 12 MP", f"{naive:8.1f} ms", ""),
        (
            "(a) prepare_media(max_image_side=1536)",
            f"{ours:8.1f} ms",
            f"{ratio:.2f}x naive; mean |diff| {pre['package_diff']:.2f}/255",
        ),
        ("(b) hand-written invoke, base64 str (docs style)", f"{hand:8.2f} ms", ""),
        ("(b) hand-written invoke, raw bytes", f"{hand_bytes:8.2f} ms", ""),
        (
            "(b) GeminiObjectDetectionTool.invoke",
            f"{tool:8.2f} ms",
            f"{overhead:+.1%} vs base64 str, {overhead_strict:+.1%} vs raw bytes",
        ),
    ]
    print(f"{'benchmark':<48} {'median':>11}  note")
    print("-" * 78)
    for name, value, note in rows:
        print(f"{name:<48} {value:>11}  {note}")
    ok_a = ratio <= 1 / 3
    ok_b = overhead <= 0.10
    print("-" * 78)
    print(f"(a) target <= 0.33x naive: {'PASS' if ok_a else 'FAIL'}")
    print(f"(b) target <= +10% overhead vs docs-style invoke: {'PASS' if ok_b else 'FAIL'}")
    print(f"    (vs the raw-bytes invoke: {overhead_strict:+.1%}, reported, not judged)")
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())
