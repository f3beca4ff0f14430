"""Batch Mode that survives a crash: submit 205 items, get killed mid-wait, resume, retry.

Run: ``python examples/batch_resume.py``. It runs offline against a local FakeGeminiServer (Batch
Mode jobs on the live API take minutes to hours, so this example is emulator-only):

1. writes 200 images (PNG and EXIF-rotated JPEG, several sizes) and 5 videos (2 too big to send
   inline, so they are uploaded once) into ``./batch-resume-demo/``;
2. starts a child process that submits them as ONE batch job (``submit_batch`` saves the job file
   before and right after the create call) and then waits for it;
3. kills that child with SIGKILL while it waits;
4. resumes from the job file in this process (no second job is created), collects the results in
   input order (3 items fail on the server on purpose), retries just those, and checks that no
   upload is left behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from langchain_gemini_vision import build_llm
from langchain_gemini_vision.batch import (
    BatchItemError,
    BatchJob,
    BatchRequest,
    caption_request,
    submit_batch,
    video_question_request,
)
from langchain_gemini_vision.errors import ServiceUnavailableError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4, make_png
from langchain_gemini_vision.usage import UsageReport

IMAGES = 200
VIDEOS = 5
FAILING = ("img-017", "img-142", "vid-3")  # the server fails these once (HTTP 503 per item)


def write_media(folder: Path) -> list[Path]:
    """200 images then 5 videos; images alternate PNG and EXIF-rotated JPEG."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(IMAGES):
        width, height = 64 + (i % 7) * 16, 48 + (i % 5) * 16
        if i % 2:
            path = folder / f"img-{i:03d}.jpg"
            path.write_bytes(make_jpeg(width, height, orientation=6 if i % 4 == 1 else 1))
        else:
            path = folder / f"img-{i:03d}.png"
            path.write_bytes(make_png(width, height))
        paths.append(path)
    for v in range(VIDEOS):
        path = folder / f"vid-{v}.mp4"
        big = 21 * 1024 * 1024 if v < 2 else None  # over the 20 MB inline limit: uploaded
        path.write_bytes(make_mp4(20.0 + 10 * v, size_bytes=big))
        paths.append(path)
    return paths


def requests_for(paths: list[Path]) -> list[BatchRequest]:
    reqs: list[BatchRequest] = []
    for path in paths:
        if path.suffix == ".mp4":
            reqs.append(video_question_request(path, "What happens in this video?", key=path.stem))
        else:
            reqs.append(caption_request(path, style="one_line", key=path.stem))
    return reqs


def child(url: str, key: str, folder: Path, job_path: Path) -> None:
    """Submit and wait; the parent kills this process while it waits."""
    llm = build_llm(api_key=key, base_url=url, max_retries=2)
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".png", ".jpg", ".mp4"))
    job = submit_batch(requests_for(paths), llm=llm, job_path=job_path, display_name="resume-demo")
    print(f"child: submitted {job.name}, waiting...", flush=True)
    job.wait(poll=0.05)  # never returns: the job is held until the parent resumes it
    print("child: unexpectedly finished", flush=True)


def parent() -> int:
    print("OFFLINE (emulated): no GOOGLE_API_KEY set; Batch Mode runs against a local emulator.")
    work = Path("batch-resume-demo")
    folder = work / "media"
    job_path = work / "job.json"
    for stale in work.glob("job.json*"):
        stale.unlink()
    write_media(folder)
    print(f"Wrote {IMAGES} images and {VIDEOS} videos to {folder}/")
    with FakeGeminiServer(video_duration_s=30.0) as server:
        server.batch_hold = True  # the job stays PENDING until we let it run
        server.add_rule(has_media="video/", text="A short test clip with moving colour bars.")
        server.add_rule(has_media="image/", text="A blue picture with a red square.")
        server.fail_batch_items(FAILING, code=503, message="The model is overloaded.", times=3)
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", server.url, server.api_key, str(folder),
             str(job_path)],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        print(line)
        deadline = time.monotonic() + 30
        while not any(r.path.startswith("/v1beta/batches/") for r in server.requests):
            if time.monotonic() > deadline:  # pragma: no cover - a broken child
                proc.kill()
                raise SystemExit("the child never started waiting")
            time.sleep(0.02)
        proc.kill()
        proc.wait()
        print(f"Killed the waiting child (exit code {proc.returncode}).")

        saved = json.loads(job_path.read_text())
        print(f"Job file: {saved['name']}, {len(saved['items'])} items, "
              f"{len(saved['media_files'])} uploaded video(s) owned by the job")  # fmt: skip
        server.batch_hold = False
        llm = server.llm()
        job = BatchJob.load(job_path, llm=llm).wait(poll=0.01)
        creates = [r for r in server.requests if r.path.endswith(":batchGenerateContent")]
        print(f"Resumed {job.name}: {job.state}, {job.progress.describe()}; "
              f"jobs created in total: {len(creates)}")  # fmt: skip
        results = job.results()
        failed = [r for r in results if not r.ok]
        for r in failed:
            # Per-item errors are typed like a synchronous call's: this 503 is a
            # ServiceUnavailableError (and a BatchItemError with the key, index and retryable).
            assert isinstance(r.error, ServiceUnavailableError)
            assert isinstance(r.error, BatchItemError)
            kind = "retryable" if r.error.retryable else "not retryable"
            print(f"  failed #{r.index} {r.key}: [{type(r.error).__name__}, {kind}] {r.error}")
        retry = job.retry_failed(results)
        assert retry is not None
        retried = retry.wait(poll=0.01).results()
        final = job.combine(results, retry, retried)  # retried items in their input slots
        print(f"Retried {len(retried)} item(s): {sum(r.ok for r in retried)} succeeded")
        for r in final[:3] + final[-VIDEOS:]:
            text = r.result.text if r.result is not None and hasattr(r.result, "text") else r.error
            print(f"  #{r.index:03d} {r.key}: {text}")
        print(f"{sum(r.ok for r in final)}/{len(final)} items have a result, in input order: "
              f"{[r.index for r in final] == list(range(len(final)))}")  # fmt: skip
        report = UsageReport()
        report.add_results(final, batch=True)  # tokens only: the package ships no prices
        print(report.to_text())
        print(f"Uploads left on the server: {len(server.files)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))
    else:
        sys.exit(parent())
