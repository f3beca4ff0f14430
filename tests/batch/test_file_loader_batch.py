"""GeminiFileLoader(batch=True): images and videos as one job, resumable, PDFs refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_gemini_vision.batch import BatchItemError
from langchain_gemini_vision.document_loaders import GeminiFileLoader
from langchain_gemini_vision.errors import ConfigurationError, InvalidRequestError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _creates(server: FakeGeminiServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith(":batchGenerateContent"))


def _media(tmp_path: Path) -> list[str]:
    red = tmp_path / "red.png"
    red.write_bytes(make_png(64, 48, color=(200, 0, 0)))
    blue = tmp_path / "blue.png"
    blue.write_bytes(make_png(32, 32, color=(0, 0, 200)))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(make_mp4(30.0))
    return [str(red), str(clip), str(blue)]


def _script(server: FakeGeminiServer) -> None:
    # The answer depends on the prompt, so each item is proven to carry its kind's prompt.
    server.add_rule(prompt_contains="Describe this image", text="an image")
    server.add_rule(prompt_contains="Transcribe this video", text="[00:00] a video")


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_images_and_a_video_load_through_one_job_and_a_second_loader_resumes_it(
    fake_server: FakeGeminiServer, tmp_path: Path, mode: str
) -> None:
    _script(fake_server)
    llm = fake_server.llm(max_retries=1)
    sources = _media(tmp_path)
    job_path = tmp_path / "files.job.json"

    async def load() -> list[tuple[str, dict[str, object]]]:
        loader = GeminiFileLoader(sources, llm=llm, batch=True, job_path=job_path, batch_poll=0.05)
        docs = loader.load() if mode == "sync" else [d async for d in loader.alazy_load()]
        assert loader.failures == []
        return [(doc.page_content, doc.metadata) for doc in docs]

    first = await load()
    assert [text for text, _ in first] == ["an image", "[00:00] a video", "an image"]
    assert [meta["source"] for _, meta in first] == sources
    assert [meta["mime_type"] for _, meta in first] == ["image/png", "video/mp4", "image/png"]
    assert [meta["batch_key"] for _, meta in first] == ["000000", "000001", "000002"]
    job_names = {meta["batch_job"] for _, meta in first}
    assert len(job_names) == 1 and str(job_names.pop()).startswith("batches/")
    assert all(meta["model"] for _, meta in first)
    # The job deleted its uploads: no URI or expiry that would point at nothing.
    assert not any("gemini_file_uri" in meta or "expiration_time" in meta for _, meta in first)
    assert _creates(fake_server) == 1
    assert job_path.exists()
    assert await load() == first  # same job file: the job is collected again, not resubmitted
    assert _creates(fake_server) == 1
    assert list(fake_server.files) == []


def test_a_pdf_is_refused_by_name_before_anything_is_submitted(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    _script(fake_server)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    sources = [*_media(tmp_path), str(pdf)]
    loader = GeminiFileLoader(sources, llm=fake_server.llm(max_retries=1), batch=True)
    with pytest.raises(InvalidRequestError, match=r"report\.pdf") as caught:
        loader.load()
    assert "batch=False" in str(caught.value)
    assert _creates(fake_server) == 0
    assert list(fake_server.files) == []


async def test_with_continue_on_failure_a_pdf_and_a_failed_item_are_failures_the_rest_load(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    _script(fake_server)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    red, clip, blue = _media(tmp_path)
    fake_server.fail_batch_items(["000001"], code=400, message="bad video")
    loader = GeminiFileLoader(
        [red, clip, str(pdf), blue],
        llm=fake_server.llm(max_retries=1),
        batch=True,
        batch_poll=0.05,
        continue_on_failure=True,
    )
    docs = [doc async for doc in loader.alazy_load()]
    assert [doc.metadata["source"] for doc in docs] == [red, blue]
    assert [doc.metadata["batch_key"] for doc in docs] == ["000000", "000003"]
    assert [f.source for f in loader.failures] == [str(pdf), clip]
    assert isinstance(loader.failures[0].error, InvalidRequestError)
    failed = loader.failures[1].error
    assert isinstance(failed, BatchItemError) and failed.code == 400
    assert _creates(fake_server) == 1
    assert list(fake_server.files) == []  # the failed video's upload is not left behind


def test_without_continue_on_failure_the_first_failed_items_error_is_raised(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    _script(fake_server)
    sources = _media(tmp_path)
    fake_server.fail_batch_items(["000002"], code=503, message="overloaded")
    loader = GeminiFileLoader(
        sources, llm=fake_server.llm(max_retries=1), batch=True, batch_poll=0.05
    )
    loaded = []
    with pytest.raises(BatchItemError, match="overloaded"):
        for doc in loader.lazy_load():
            loaded.append(doc.metadata["source"])
    assert loaded == sources[:2]  # the results were collected before the error was raised
    assert list(fake_server.files) == []


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"delete_after": False}, "delete_after=False cannot be used"),
        ({"timeout": 30.0}, r"\['timeout'\] cannot be used with batch=True"),
        ({"poll_policy": None, "cache_dir": "cache"}, r"\['cache_dir'\] cannot be used"),
        ({"batch": False, "job_path": "x.json"}, "need batch=True"),
        ({"batch": False, "batch_poll": 1.0}, "need batch=True"),
        ({"batch": "yes"}, "batch"),
    ],
)
def test_options_a_batch_job_cannot_honour_are_refused_at_construction(
    options: dict[str, object], match: str
) -> None:
    kwargs: dict[str, object] = {"batch": True, **options}
    with pytest.raises(ConfigurationError, match=match):
        GeminiFileLoader("photo.png", **kwargs)  # type: ignore[arg-type]


def test_a_file_api_name_is_asked_for_its_kind_and_never_deleted(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    _script(fake_server)
    kept = fake_server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=60)
    red = _media(tmp_path)[0]
    loader = GeminiFileLoader(
        [kept.name, red], llm=fake_server.llm(max_retries=1), batch=True, batch_poll=0.05
    )
    docs = loader.load()
    assert [(d.page_content, d.metadata["kind"]) for d in docs] == [
        ("[00:00] a video", "video"),
        ("an image", "image"),
    ]
    assert docs[0].metadata["source"] == kept.name
    assert list(fake_server.files) == [kept.name]  # the caller's file; the job's own upload is gone
