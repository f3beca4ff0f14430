"""Benchmark: a 3-hour video is transcribed in concurrent windows with exactly one upload.

Runs against FakeGeminiServer (real SDK and LangChain over loopback HTTP). Every generate request
sleeps ``--latency`` seconds inside the server, standing in for the model's time. The check: the
whole ``transcribe_video`` call (hashing, upload, polling, every window, merging, delete) takes at
most 1.5x the slowest single window when ``max_concurrency`` covers all windows (ceil(windows /
concurrency) rounds otherwise), and the file is uploaded exactly once. The last row cuts one
window's answer at MAX_TOKENS: its two halves run concurrently as one more round.

Usage:
    .venv/bin/python benchmarks/bench_video.py [--latency 1.0] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from langchain_gemini_vision import atranscribe_video, transcribe_video
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest, Reply
from langchain_gemini_vision.testing.samples import make_mp4

DURATION_S = 3 * 3600
UPLOAD_SIZE = 21 * 1024 * 1024  # over the inline limit: goes through the File API
FAST_POLICY = PollPolicy(first_interval_s=0.01, max_interval_s=0.05, jitter=0.0)


def run(
    latency: float,
    concurrency: int,
    use_async: bool,
    cut: bool = False,
    *,
    duration_s: float = DURATION_S,
    policy: PollPolicy | None = FAST_POLICY,
) -> dict[str, Any]:
    """One transcription; ``policy=None`` keeps the file manager's default poll policy."""
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()
    cut_once = threading.Event()

    def answer(req: GenerateRequest) -> Any:
        began = time.monotonic()
        time.sleep(latency)
        with lock:
            spans.append((began, time.monotonic()))
        meta = req.media[0].video_metadata or {}
        if cut and meta.get("startOffset") not in (None, "0s") and not cut_once.is_set():
            cut_once.set()  # one window's answer hits MAX_TOKENS: retried as two halves
            return Reply(text='{"segments": [{"start": "0:00:05", "te', finish_reason="MAX_TOKENS")
        return {"segments": [{"start": "0:00:05", "end": "0:00:09", "text": "window start"}]}

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeGeminiServer(video_duration_s=duration_s) as server,
    ):
        path = Path(tmp) / "lecture.mp4"
        path.write_bytes(make_mp4(duration_s, size_bytes=UPLOAD_SIZE))
        server.add_rule(handler=answer)
        llm = server.llm()
        manager = GeminiFileManager(
            llm, cache_dir=Path(tmp) / "cache", reuse=False,
            **({} if policy is None else {"poll_policy": policy}),
        )  # fmt: skip
        started = time.monotonic()
        if use_async:
            transcript = asyncio.run(
                atranscribe_video(path, llm=llm, manager=manager, max_concurrency=concurrency)
            )
        else:
            transcript = transcribe_video(
                path, llm=llm, manager=manager, max_concurrency=concurrency
            )
        total = time.monotonic() - started
        uploads = sum(
            1 for r in server.requests
            if r.method == "POST" and r.path.startswith("/upload/") and "upload_id" not in r.query
        )  # fmt: skip
        windows = len(server.generate_requests())
    phase = max(e for _, e in spans) - min(s for s, _ in spans)
    slowest = max(e - s for s, e in spans)
    # A split window's halves are a second round after the cut answer.
    planned = windows - 2 if cut else windows
    rounds = math.ceil(planned / concurrency) + (1 if cut else 0)
    return {
        "mode": ("async" if use_async else "sync") + (" + 1 cut" if cut else ""),
        "concurrency": concurrency,
        "windows": windows,
        "uploads": uploads,
        "segments": len(transcript.segments),
        "total_wall_s": total,
        "windows_phase_s": phase,
        "slowest_window_s": slowest,
        "ratio": total / slowest,
        "ideal_s": rounds * slowest,
        "bound": 1.5 * rounds,
        "ok": uploads == 1 and total <= 1.5 * rounds * slowest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per generate request")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    results = [
        run(args.latency, args.concurrency, use_async=False),
        run(args.latency, args.concurrency, use_async=True),
        run(args.latency, 2, use_async=True),
        run(args.latency, args.concurrency, use_async=False, cut=True),
    ]
    header = ("mode", "conc", "windows", "uploads", "total s", "windows s", "slowest s", "ratio",
              "bound", "ok")  # fmt: skip
    print(" | ".join(header))
    for r in results:
        print(
            f"{r['mode']} | {r['concurrency']} | {r['windows']} | {r['uploads']} | "
            f"{r['total_wall_s']:.2f} | {r['windows_phase_s']:.2f} | {r['slowest_window_s']:.2f} | "
            f"{r['ratio']:.2f} | <= {r['bound']:.1f} | {r['ok']}"
        )
    if not all(r["ok"] for r in results):
        raise SystemExit("benchmark bound not met")


if __name__ == "__main__":
    main()
