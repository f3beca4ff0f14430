"""Peak memory of preparing a 600 MB image (hardening issue, bounded memory).

Writes a 600 MB PNG (16-bit RGBA, 10000 x 7500, stored uncompressed, row by row so the writer
itself stays small), then in a fresh child process measures the peak RSS that
``prepare_media(path)`` adds over the child's warmed-up baseline. The peak is the kernel's VmHWM of
the child's own address space: ``resource.getrusage``'s ``ru_maxrss`` is carried across
fork/exec on Linux, so in a child of a large parent (``make bench``) it starts at the parent's
size and hides anything smaller (``getrusage`` is the fallback where /proc is missing).
Run: ``.venv/bin/python benchmarks/bench_memory.py [--smoke]``.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

MIB = 1024**2


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def write_big_png(path: Path, width: int, height: int, *, deep: bool = True) -> int:
    """A valid PNG (16-bit RGBA, or 8-bit RGB when not ``deep``) written in stored (level 0)
    deflate blocks, one row at a time."""
    depth, colour, per_pixel = (16, 6, 8) if deep else (8, 2, 3)
    row = os.urandom(width * per_pixel)
    packer = zlib.compressobj(level=0)
    with path.open("wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)))
        for _ in range(height):
            data = packer.compress(b"\x00" + row)
            if data:
                out.write(_chunk(b"IDAT", data))
        out.write(_chunk(b"IDAT", packer.flush()))
        out.write(_chunk(b"IEND", b""))
    return path.stat().st_size


def peak_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def child(path: str, max_side: str) -> None:
    import io

    from PIL import Image

    from langchain_gemini_vision.errors import GeminiVisionError
    from langchain_gemini_vision.media._prepare import prepare_media

    warm = io.BytesIO()
    Image.new("RGB", (64, 48)).save(warm, format="PNG")
    prepare_media(warm.getvalue(), expect="image", max_image_side=32)  # load every code path
    baseline = peak_kib()
    outcome = "ok"
    try:
        prepared = prepare_media(path, expect="image", max_image_side=int(max_side) or None)
        outcome = repr(prepared)
    except GeminiVisionError as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:160]}"
    peak = peak_kib()
    print(json.dumps({"increase_mib": (peak - baseline) / 1024, "outcome": outcome}))


def measure(path: Path, max_side: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(max_side)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(smoke: bool) -> list[tuple[str, float, str]]:
    """The 600 MB image as is and downscaled, and the largest image the decode budget allows."""
    cases = [
        ((1000, 750) if smoke else (10000, 7500), True, (0, 1536)),
        ((800, 600) if smoke else (8000, 7900), False, (1536,)),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for (width, height), deep, sides in cases:
            path = Path(tmp) / "huge.png"
            size = write_big_png(path, width, height, deep=deep)
            label = f"{size / 1e6:.0f} MB PNG ({width}x{height})"
            for max_side in sides:
                result = measure(path, max_side)
                how = "as is" if max_side == 0 else f"max_image_side={max_side}"
                mib = float(result["increase_mib"])  # type: ignore[arg-type]
                rows.append((f"{label}, {how}", mib, str(result["outcome"])))
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        for what, mib, outcome in run("--smoke" in sys.argv):
            print(f"{what}: peak RSS +{mib:.0f} MiB; {outcome}")
