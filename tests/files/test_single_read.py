"""Uploads read a local file once: no hashing pass before the upload, none after it.

Reads are counted with a Python audit hook on ``open`` events for the file (the stdlib's own
instrumentation, not a mock): before this change the default upload opened the file three times
(sniff, hash, upload).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.files._index import INDEX_FILE
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

_watched: dict[str, int] = {}


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str) and args[0] in _watched:
        _watched[args[0]] += 1


sys.addaudithook(_audit)  # hooks cannot be removed; this one only counts watched paths


@pytest.fixture
def opens() -> Iterator[dict[str, int]]:
    yield _watched
    _watched.clear()


def _video(tmp_path: Path, name: str, seconds: int) -> Path:
    path = tmp_path / name
    path.write_bytes(make_mp4(seconds, size_bytes=300_000))
    return path


def test_first_upload_reads_the_file_once_and_the_next_is_reused_without_reading(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    tmp_path: Path,
    opens: dict[str, int],
) -> None:
    path = _video(tmp_path, "talk.mp4", 3)
    opens[str(path)] = 0
    first = GeminiFileManager(llm, cache_dir=cache_dir).upload(path)
    assert server.upload_bytes_received == 300_000
    assert opens[str(path)] <= 2  # the type sniff (a few bytes) and the upload itself
    with contextlib.closing(sqlite3.connect(cache_dir / INDEX_FILE)) as db:
        cached = [row[0] for row in db.execute("SELECT sha256 FROM hashes")]
    assert cached == [hashlib.sha256(path.read_bytes()).hexdigest()]
    opens[str(path)] = 0
    again = GeminiFileManager(llm, cache_dir=cache_dir).upload(path)  # a new run
    assert again.name == first.name
    assert server.upload_bytes_received == 300_000  # nothing sent again
    assert opens[str(path)] <= 1  # the type sniff only: the hash came from the cache


def test_a_changed_file_is_never_matched_by_its_old_hash(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    path = _video(tmp_path, "clip.mp4", 3)
    first = manager.upload(path)
    path.write_bytes(make_mp4(4, size_bytes=300_000))  # same size, new content
    os.utime(path, ns=(1, 1))  # even an mtime set back cannot match: it differs from the old one
    second = manager.upload(path)
    assert second.name != first.name
    assert server.upload_bytes_received == 600_000


def test_identical_content_is_still_reused_once_its_path_was_uploaded(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    path = _video(tmp_path, "a.mp4", 3)
    first = manager.upload(path)
    assert manager.upload(path.read_bytes()).name == first.name  # bytes are hashed first
    assert server.upload_bytes_received == 300_000


def test_without_reuse_nothing_is_cached(
    llm: ChatGoogleGenerativeAI, cache_dir: Path, tmp_path: Path
) -> None:
    GeminiFileManager(llm, cache_dir=cache_dir, reuse=False).upload(_video(tmp_path, "b.mp4", 2))
    assert not (cache_dir / INDEX_FILE).exists()
