"""File API rows: upload speed with reuse on vs the raw SDK, and polling vs a fixed 10 s loop."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _harness import Row
from bench_files import bench_activation

from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer

MIB = 1024**2


def _upload_row(server: FakeGeminiServer, size: int, rounds: int) -> Row:
    llm = server.llm()
    client = llm.client
    assert client is not None
    ours: list[float] = []
    raw: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bin"
        with path.open("wb") as out:
            for _ in range(size // MIB):
                out.write(os.urandom(MIB))
        for i in range(rounds):
            start = time.perf_counter()
            uploaded = client.files.upload(file=path, config={"mime_type": "video/mp4"})
            raw.append(time.perf_counter() - start)
            assert uploaded.name is not None
            client.files.delete(name=uploaded.name)
            # A fresh index each round: reuse is on (the default) but has nothing to reuse.
            manager = GeminiFileManager(llm, cache_dir=Path(tmp) / f"cache{i}")
            start = time.perf_counter()
            mine = manager.upload(path, mime_type="video/mp4")
            ours.append(time.perf_counter() - start)
            manager.delete(mine)
    best_ours, best_raw = min(ours), min(raw)
    return Row(
        f"upload {size // MIB} MiB, defaults (reuse on): speed vs raw SDK files.upload",
        f"{size / MIB / best_ours:.0f} MiB/s",
        f"{size / MIB / best_raw:.0f} MiB/s",
        best_raw / best_ours,
        0.9,
        higher_is_better=True,
    )


def rows(smoke: bool) -> list[Row]:
    out: list[Row] = []
    with FakeGeminiServer() as server:
        out.append(_upload_row(server, 16 * MIB if smoke else 256 * MIB, 1 if smoke else 4))
        server.reset()
        n, low, high = (6, 0.2, 1.0) if smoke else (40, 1.0, 5.0)
        fixed_s = 1.0 if smoke else 10.0  # the smoke run only checks that the rows still work
        fast = bench_activation(server, n, high, low=low, fixed_s=fixed_s)
        ours, fixed = fast["backoff"], fast["fixed10"]
        out.append(
            Row(
                f"files ACTIVE after {low:g}-{high:g} s: polls per second per file",
                f"{ours['polls_per_s']:.2f}",
                f"{fixed['polls_per_s']:.2f} (fixed {fixed_s:g} s)",
                ours["polls_per_s"],
                1.0,
                note="ratio column is polls/s itself",
            )
        )
        server.reset()
        n, horizon = (6, 2.0) if smoke else (60, 30.0)
        slow = bench_activation(server, n, horizon, fixed_s=fixed_s)
        ours, fixed = slow["backoff"], slow["fixed10"]
        for key, label, bar in (("median_latency_s", "median", 0.5), ("p95_latency_s", "p95", 1.5)):
            out.append(
                Row(
                    f"ACTIVE after 0.5-{horizon:g} s: delay to noticed, {label} (s)",
                    f"{ours[key]:.2f} s",
                    f"{fixed[key]:.2f} s (fixed {fixed_s:g} s)",
                    ours[key],
                    bar,
                    note="ratio column is seconds",
                )
            )
    return out
