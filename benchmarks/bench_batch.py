"""Batch Mode benchmark: 10,000 captions through one job against FakeGeminiServer, end to end.

The client runs in a child process (so its memory is measured alone) and does what a user does:
build 10,000 caption requests from image files on disk (a generator: images are read one at a
time), spool them to JSONL, upload it through the File API, create the job, wait, download the
results and parse them into ``CaptionResult`` in input order, then delete its uploads.

Reported:
- client peak RSS over its baseline (VmHWM minus VmRSS after imports and a warm-up call);
  target <= 300 MB: a 10,000-item job must not hold all media in memory at once;
- client wall time per phase, and in total EXCLUDING the emulated job time (the ``wait`` phase,
  during which the emulator runs the 10,000 items);
- requests issued, by kind.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--count N]`` (exit 1 when the RSS target is
missed). Numbers depend on the machine's load; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from PIL import Image

from langchain_gemini_vision.testing import FakeGeminiServer

RSS_TARGET_MB = 300.0


def photo_like_png(i: int) -> bytes:
    """A 64x48 PNG of about 6 KB: noise (which PNG cannot squeeze) over a varying colour."""
    base = Image.new("RGB", (64, 48), (i % 256, 90, 160))
    noise = Image.effect_noise((64, 48), 40).convert("RGB")
    out = io.BytesIO()
    Image.blend(base, noise, 0.3).save(out, format="PNG")
    return out.getvalue()


def vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(url: str, key: str, folder: str, job_path: str) -> None:
    """Runs in a subprocess; prints one JSON line of measurements."""
    from langchain_gemini_vision import build_llm, caption_image
    from langchain_gemini_vision.batch import BatchJob, caption_request, submit_batch

    llm = build_llm(model="gemini-3.5-flash", api_key=key, base_url=url)
    paths = sorted(Path(folder).glob("*.png"))
    caption_image(paths[0], llm=llm, style="one_line")  # warm-up: imports, connections, caches
    baseline_kib = vm_kib("VmRSS")

    t0 = time.perf_counter()
    requests = (caption_request(p, style="one_line", key=p.stem) for p in paths)
    job = submit_batch(requests, llm=llm, job_path=job_path, display_name="bench-10k")
    t1 = time.perf_counter()
    job = BatchJob.load(job_path, llm=llm).wait(poll=0.05)
    t2 = time.perf_counter()
    results = job.results()
    t3 = time.perf_counter()
    ok = sum(r.ok for r in results)
    in_order = [r.index for r in results] == list(range(len(paths)))
    print(
        json.dumps(
            {
                "items": len(paths),
                "ok": ok,
                "in_order": in_order,
                "state": job.state,
                "build_upload_submit_s": t1 - t0,
                "wait_s": t2 - t1,
                "collect_s": t3 - t2,
                "baseline_mb": baseline_kib / 1024,
                "peak_mb": vm_kib("VmHWM") / 1024,
                "requests_jsonl_mb": Path(job_path + ".requests.jsonl").stat().st_size / 1e6,
            }
        ),
        flush=True,
    )


def kind(method: str, path: str, query: dict[str, str]) -> str:
    if path.startswith("/upload/"):
        return "upload chunk" if "upload_id" in query else "upload start"
    if path.endswith(":batchGenerateContent"):
        return "batch create"
    if path.endswith(":download"):
        return "results download"
    if "/batches/" in path:
        return "batch get"
    if path.endswith(":generateContent"):
        return "generateContent (warm-up)"
    if "/files/" in path and method == "DELETE":
        return "file delete"
    return f"{method} {path.split('/')[2] if path.count('/') > 1 else path}"


def measure(count: int) -> dict[str, object]:
    """Run the whole job in a child client; its report plus media size, requests and leftovers."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        for i in range(count):
            (folder / f"img-{i:05d}.png").write_bytes(photo_like_png(i))
        media_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        with FakeGeminiServer() as server:
            server.add_rule(has_media="image/", text="A blue picture with a red square.")
            proc = subprocess.run(
                [sys.executable, __file__, "--child", server.url, server.api_key, str(folder),
                 str(Path(tmp) / "job.json")],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                raise RuntimeError(f"batch benchmark client failed:\n{proc.stderr}")
            report = json.loads(proc.stdout.strip().splitlines()[-1])
            report["media_mb"] = media_mb
            report["requests"] = Counter(kind(r.method, r.path, r.query) for r in server.requests)
            report["left"] = len(server.files)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="captions in the job")
    args = parser.parse_args()
    report: dict[str, Any] = measure(args.count)
    media_mb, requests, left = report["media_mb"], report["requests"], report["left"]
    over = report["peak_mb"] - report["baseline_mb"]
    client_s = report["build_upload_submit_s"] + report["collect_s"]
    print(f"items: {report['items']} ({media_mb:.1f} MB of PNG on disk), succeeded {report['ok']}, "
          f"input order kept: {report['in_order']}, job state {report['state']}")  # fmt: skip
    print(f"requests JSONL uploaded: {report['requests_jsonl_mb']:.1f} MB")
    print(f"client RSS: baseline {report['baseline_mb']:.0f} MB, peak {report['peak_mb']:.0f} MB, "
          f"over baseline {over:.0f} MB (target <= {RSS_TARGET_MB:.0f} MB)")  # fmt: skip
    print(f"build+upload+submit {report['build_upload_submit_s']:.1f} s | wait (emulated job) "
          f"{report['wait_s']:.1f} s | collect {report['collect_s']:.1f} s")  # fmt: skip
    print(f"client wall time excluding the emulated job: {client_s:.1f} s "
          f"({client_s / report['items'] * 1000:.2f} ms per item)")  # fmt: skip
    print("requests issued: " + ", ".join(f"{k} {v}" for k, v in sorted(requests.items())))
    print(f"uploads left on the server: {left}")
    good = over <= RSS_TARGET_MB and report["ok"] == report["items"] and left == 0
    print("PASS" if good else "FAIL")
    return 0 if good else 1


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:6])
    else:
        sys.exit(main())
