"""GeminiFileLoader against the emulator: Documents, metadata, prompts, cleanup, failures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.document_loaders import GeminiFileLoader
from langchain_gemini_vision.document_loaders.files import DEFAULT_PROMPTS, METADATA_KEYS
from langchain_gemini_vision.errors import FileProcessingError, MediaAccessError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
FILE_KEYS = {
    "source",
    "kind",
    "mime_type",
    "gemini_file_name",
    "gemini_file_uri",
    "sha256",
    "size_bytes",
    "expiration_time",
    "state",
    "model",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "truncated",
}


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    (folder / "clips").mkdir(parents=True)
    (folder / "photo.jpg").write_bytes(make_jpeg(40, 30))
    (folder / "paper.pdf").write_bytes(PDF)
    (folder / "clips" / "a.mp4").write_bytes(make_mp4(10))
    (folder / "clips" / "b.mp4").write_bytes(make_mp4(20))
    return folder


def answer_by_kind(req: GenerateRequest) -> str:
    return f"answer for {req.media[0].mime_type}"


def loader_for(
    manager: GeminiFileManager, sources: list[str], **kwargs: object
) -> GeminiFileLoader:
    return GeminiFileLoader(sources, manager=manager, **kwargs)  # type: ignore[arg-type]


def test_lazy_load_yields_documents_with_metadata_and_deletes_uploads(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    server.processing_polls = 2
    server.video_duration_s = 10
    server.add_rule(handler=answer_by_kind)
    existing = server.add_file(mime_type="image/png", data=b"\x89PNG\r\n\x1a\n" + b"0" * 30)
    loader = loader_for(
        manager,
        [
            str(media_dir / "photo.jpg"),
            str(media_dir / "paper.pdf"),
            str(media_dir / "clips" / "*.mp4"),
            existing.name,
        ],
    )
    docs = list(loader.lazy_load())
    assert [d.metadata["source"] for d in docs] == [
        str(media_dir / "photo.jpg"),
        str(media_dir / "paper.pdf"),
        str(media_dir / "clips" / "a.mp4"),
        str(media_dir / "clips" / "b.mp4"),
        existing.name,
    ]
    assert [d.page_content for d in docs] == [
        "answer for image/jpeg",
        "answer for application/pdf",
        "answer for video/mp4",
        "answer for video/mp4",
        "answer for image/png",
    ]
    for doc in docs:
        assert FILE_KEYS <= set(doc.metadata) <= set(METADATA_KEYS)
        assert doc.metadata["state"] == "ACTIVE"
        assert doc.metadata["gemini_file_uri"].endswith(doc.metadata["gemini_file_name"][6:])
        assert len(doc.metadata["sha256"]) == 64
        assert doc.metadata["model"] == "gemini-3.5-flash"
        assert doc.metadata["total_tokens"] > 0
    assert docs[2].metadata["video_duration_s"] == 10.0
    assert docs[1].metadata["kind"] == "document"
    # Each kind got its own prompt, after the media.
    texts = [r.text for r in server.generate_requests()]
    assert texts[0] == DEFAULT_PROMPTS["image"]
    assert texts[1] == DEFAULT_PROMPTS["document"]
    assert texts[2] == DEFAULT_PROMPTS["video"]
    # Uploads are gone; the file that existed before is untouched.
    assert list(server.files) == [existing.name]
    assert loader.failures == []


def test_upload_is_deleted_only_after_its_document_is_consumed(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    loader = loader_for(manager, [str(media_dir / "photo.jpg"), str(media_dir / "paper.pdf")])
    docs = loader.lazy_load()
    first = next(docs)
    assert first.metadata["gemini_file_name"] in server.files  # still usable by the consumer
    next(docs)
    assert first.metadata["gemini_file_name"] not in server.files
    docs.close()
    assert server.files == {}


def test_prompt_overrides_and_delete_after_false(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    loader = loader_for(manager, [str(media_dir / "photo.jpg")], prompts={"image": "Count cats."})
    list(loader.lazy_load())
    loader = loader_for(
        manager, [str(media_dir / "paper.pdf")], prompt="Only the title.", delete_after=False
    )
    docs = loader.load()
    assert [r.text for r in server.generate_requests()] == ["Count cats.", "Only the title."]
    assert list(server.files) == [docs[0].metadata["gemini_file_name"]]


def test_youtube_source(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    docs = loader_for(manager, ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]).load()
    assert docs[0].metadata["kind"] == "youtube"
    assert "gemini_file_name" not in docs[0].metadata
    assert server.generate_requests()[0].media[0].source == "youtube"


def test_continue_on_failure_records_errors_and_keeps_documents(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    server.fail_processing = "cannot decode"
    loader = loader_for(
        manager,
        [
            str(media_dir / "photo.jpg"),
            str(media_dir / "missing.jpg"),
            str(media_dir / "clips" / "a.mp4"),  # FAILED processing
            "files/unknownfile1",
            str(media_dir / "*.webm"),
            str(media_dir / "paper.pdf"),
        ],
        continue_on_failure=True,
    )
    docs = loader.load()
    assert [d.metadata["source"] for d in docs] == [
        str(media_dir / "photo.jpg"),
        str(media_dir / "paper.pdf"),
    ]
    kinds = [(f.source.rsplit("/", 1)[-1], type(f.error)) for f in loader.failures]
    assert kinds == [
        ("missing.jpg", MediaAccessError),
        ("a.mp4", FileProcessingError),
        ("unknownfile1", MediaAccessError),
        ("*.webm", MediaAccessError),
    ]
    assert "cannot decode" in loader.failures[1].message
    assert "No file matches" in loader.failures[3].message
    assert server.files == {}


def test_failure_stops_the_load_and_cleans_up(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    server.fail_processing = "cannot decode"
    loader = loader_for(manager, [str(media_dir / "photo.jpg"), str(media_dir / "clips" / "a.mp4")])
    produced = []
    with pytest.raises(FileProcessingError, match="cannot decode"):
        for doc in loader.lazy_load():
            produced.append(doc)
    assert len(produced) == 1
    assert server.files == {}


async def test_alazy_load_bounded_concurrency_and_cleanup(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, cache_dir: Path, tmp_path: Path
) -> None:
    lock = threading.Lock()
    active = {"now": 0, "max": 0}
    # Requests meet in pairs before answering: the bound must let two run at once, and the
    # counter shows it never lets a third in.
    pair = threading.Barrier(2, timeout=10)

    def slow(req: GenerateRequest) -> str:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        pair.wait()
        with lock:
            active["now"] -= 1
        return "ok"

    server.add_rule(handler=slow)
    paths = []
    for i in range(6):
        path = tmp_path / f"img{i}.jpg"
        path.write_bytes(make_jpeg(10 + i, 10))
        paths.append(str(path))
    loader = GeminiFileLoader(paths, llm=llm, cache_dir=cache_dir, max_concurrency=2)
    docs = [doc async for doc in loader.alazy_load()]
    assert sorted(d.metadata["source"] for d in docs) == sorted(paths)
    assert active["max"] == 2
    assert server.files == {}


async def test_alazy_load_failures(
    server: FakeGeminiServer, manager: GeminiFileManager, media_dir: Path
) -> None:
    server.fail_processing = "nope"
    sources = [str(media_dir / "photo.jpg"), str(media_dir / "clips" / "*.mp4")]
    loader = loader_for(manager, sources, continue_on_failure=True)
    docs = [doc async for doc in loader.alazy_load()]
    assert [d.metadata["kind"] for d in docs] == ["image"]
    assert len(loader.failures) == 2
    assert server.files == {}
    strict = loader_for(manager, sources)
    with pytest.raises(FileProcessingError, match="nope"):
        _ = [doc async for doc in strict.alazy_load()]
    assert server.files == {}


async def test_alazy_load_of_processing_videos_waits_on_one_shared_listing(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, cache_dir: Path, tmp_path: Path
) -> None:
    """Videos processed together are watched through files.list, not a files.get each."""
    import time

    server.processing_seconds = 0.6
    paths = []
    for i in range(5):
        path = tmp_path / f"clip{i}.mp4"
        path.write_bytes(make_mp4(5 + i))
        paths.append(str(path))

    def clock() -> float:  # a listing of this test's own (shared per client and clock)
        return time.monotonic()

    manager = GeminiFileManager(llm, reuse=False, cache_dir=cache_dir, clock=clock)
    loader = loader_for(manager, paths, max_concurrency=5)
    docs = [doc async for doc in loader.alazy_load()]
    assert sorted(d.metadata["source"] for d in docs) == sorted(paths)
    listings = sum(1 for r in server.requests if r.method == "GET" and r.path.endswith("/files"))
    gets = sum(1 for r in server.requests if r.method == "GET" and "/files/" in r.path)
    assert listings >= 1
    assert gets < len(paths)  # per-file polling makes at least one GET per video
    assert server.files == {}
