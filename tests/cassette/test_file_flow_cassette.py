"""The whole File API flow, replayed: upload, poll through PROCESSING, generate, reuse, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_gemini_vision import GeminiFileManager, PollPolicy
from langchain_gemini_vision.document_loaders import GeminiFileLoader

from .conftest import SAMPLES, CassetteBackend

pytestmark = [pytest.mark.cassette, pytest.mark.vcr]

# Replay serves each recorded files.get once, in order, so polls must not be spaced by real time.
FAST = PollPolicy(first_interval_s=0.01, max_interval_s=0.02, jitter=0.0)

DOCUMENT_KEYS = {
    "source",
    "mime_type",
    "gemini_file_name",
    "gemini_file_uri",
    "sha256",
    "size_bytes",
    "expiration_time",
    "model",
}


def test_loader_uploads_polls_generates_and_deletes(cassette_backend: CassetteBackend) -> None:
    loader = GeminiFileLoader(
        [SAMPLES.image, SAMPLES.video], llm=cassette_backend.llm, poll_policy=FAST, reuse=False
    )
    docs = list(loader.lazy_load())
    assert [Path(d.metadata["source"]).name for d in docs] == ["scene.png", "bike-repair.mp4"]
    for doc in docs:
        assert set(doc.metadata) >= DOCUMENT_KEYS, DOCUMENT_KEYS - set(doc.metadata)
        assert doc.metadata["gemini_file_name"].startswith("files/")
        assert len(doc.metadata["sha256"]) == 64
        assert doc.page_content.strip()
    assert docs[1].metadata["mime_type"] == "video/mp4"
    names = {d.metadata["gemini_file_name"] for d in docs}
    remaining = {f.name for f in GeminiFileManager(cassette_backend.llm, reuse=False).list()}
    assert names.isdisjoint(remaining), "the loader must delete what it uploaded"


def test_identical_bytes_are_uploaded_once(
    cassette_backend: CassetteBackend, tmp_path: Path
) -> None:
    manager = GeminiFileManager(cassette_backend.llm, cache_dir=tmp_path, poll_policy=FAST)
    first = manager.wait_until_active(manager.upload(SAMPLES.video))
    assert first.state == "ACTIVE"
    assert first.video_duration_s is not None and first.video_duration_s > 0
    second = manager.upload(SAMPLES.video)
    assert second.name == first.name
    assert manager.delete(first)
