"""GeminiFile.from_sdk, the reuse index and the loader's pure helpers."""

from __future__ import annotations

import base64
import hashlib
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from google.genai import types as genai_types

from langchain_gemini_vision._core.response import ModelReply
from langchain_gemini_vision.document_loaders.files import (
    METADATA_KEYS,
    _to_document,
    expand_sources,
)
from langchain_gemini_vision.files._index import FileIndex, default_cache_dir
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.types import GeminiFile, TokenUsage

HEX = hashlib.sha256(b"hello").hexdigest()


def test_from_sdk_decodes_hash_duration_state_and_error() -> None:
    sdk = genai_types.File(
        name="files/abc123def456",
        display_name="lcgv-clip.mp4",
        mime_type="video/mp4",
        size_bytes=1234,
        sha256_hash=base64.b64encode(HEX.encode()).decode(),  # base64 of the HEX string
        uri="https://generativelanguage.googleapis.com/v1beta/files/abc123def456",
        state=genai_types.FileState.FAILED,
        video_metadata={"videoDuration": "596s"},
        error=genai_types.FileStatus(code=3, message="Video codec not supported."),
        expiration_time=datetime(2030, 1, 1, tzinfo=timezone.utc),
    )
    f = GeminiFile.from_sdk(sdk)
    assert f.sha256_hex == HEX
    assert f.video_duration_s == 596.0
    assert f.state == "FAILED"
    assert f.error_message == "Video codec not supported."
    assert f.size_bytes == 1234 and f.mime_type == "video/mp4"
    assert f.expiration_time == datetime(2030, 1, 1, tzinfo=timezone.utc)


def test_from_sdk_recorded_hash_example() -> None:
    # GEMINI-FACTS: "Zjc4ZjM5...MDUwOA==" decodes to the hex string "f78f3960...2d280508".
    hex_digest = "f78f3960" + "0" * 48 + "2d280508"
    encoded = base64.b64encode(hex_digest.encode()).decode()
    assert encoded.startswith("Zjc4ZjM5") and encoded.endswith("MDUwOA==")
    assert GeminiFile.from_sdk(
        genai_types.File(name="files/x", sha256_hash=encoded)
    ).sha256_hex == (hex_digest)


def test_from_sdk_missing_state_is_unspecified() -> None:
    f = GeminiFile.from_sdk(genai_types.File(name="files/x"))
    assert f.state == "STATE_UNSPECIFIED"
    assert not f.is_active
    assert f.sha256_hex is None and f.video_duration_s is None


def test_index_round_trip_forget_and_prune(tmp_path: Path) -> None:
    index = FileIndex(tmp_path)
    key = FileIndex.key("http://x", HEX)
    future = datetime.now(timezone.utc) + timedelta(hours=40)
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    index.remember(FileIndex.key("http://x", "old"), "files/old", past)
    index.remember(key, "files/new", future)
    assert index.lookup(key) == "files/new"
    assert index.lookup(FileIndex.key("http://x", "old")) is None  # pruned on write
    assert FileIndex(tmp_path).lookup(key) == "files/new"  # persisted across instances
    index.forget(name="files/new")
    assert index.lookup(key) is None


def test_index_survives_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "file_index.sqlite3").write_bytes(b"this is not a database" * 100)
    index = FileIndex(tmp_path)
    assert index.lookup("anything") is None
    index.remember("k", "files/a", None)  # replaces the corrupt file
    assert FileIndex(tmp_path).entries() == {"k": "files/a"}


def test_index_in_a_read_only_place_is_empty_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    index = FileIndex(blocker)
    index.remember("k", "files/a", None)
    assert index.lookup("k") is None
    with index.claim("k"):  # no lock file possible: proceeds unlocked
        pass


def test_cache_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEMINI_VISION_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    assert FileIndex().path == tmp_path / "c" / "file_index.sqlite3"


def test_index_prunes_by_the_injected_clock(tmp_path: Path) -> None:
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    clock = {"now": start}
    index = FileIndex(tmp_path, now=lambda: clock["now"])
    index.remember("a", "files/a", start + timedelta(hours=48))
    clock["now"] = start + timedelta(hours=49)
    index.remember("b", "files/b", start + timedelta(hours=97))
    assert index.entries() == {"b": "files/b"}


def test_claim_excludes_other_threads_until_released(tmp_path: Path) -> None:
    index = FileIndex(tmp_path)
    events: list[str] = []

    def second() -> None:
        with FileIndex(tmp_path).claim("same"):
            events.append("second")

    with index.claim("same"):
        events.append("first")
        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=0.2)
        assert other.is_alive(), "the second claim did not wait for the first"
        events.append("first done")
    other.join(timeout=10)
    assert events == ["first", "first done", "second"]
    with index.claim("other key"), FileIndex(tmp_path).claim("unrelated key"):
        pass  # different keys never wait for each other


def _file() -> GeminiFile:
    return GeminiFile(
        name="files/abc",
        uri="https://generativelanguage.googleapis.com/v1beta/files/abc",
        mime_type="video/mp4",
        size_bytes=99,
        sha256_hex=HEX,
        state="ACTIVE",
        expiration_time=datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        video_duration_s=42.0,
    )


def test_to_document_metadata_for_an_uploaded_video() -> None:
    media = PreparedMedia(
        "video", "video/mp4", "clip.mp4", file_uri=_file().uri, gemini_file=_file()
    )
    reply = ModelReply(
        text="[00:00] Hello",
        model="gemini-x",
        usage=TokenUsage(input_tokens=10, output_tokens=5, total_tokens=15),
        finish_reason="STOP",
        block_reason=None,
    )
    doc = _to_document(reply.text, source="clip.mp4", media=media, reply=reply, model="fallback")
    assert doc.page_content == "[00:00] Hello"
    assert doc.metadata == {
        "source": "clip.mp4",
        "kind": "video",
        "mime_type": "video/mp4",
        "gemini_file_name": "files/abc",
        "gemini_file_uri": "https://generativelanguage.googleapis.com/v1beta/files/abc",
        "sha256": HEX,
        "size_bytes": 99,
        "expiration_time": "2030-01-02T03:04:05+00:00",
        "state": "ACTIVE",
        "video_duration_s": 42.0,
        "model": "gemini-x",
        "input_tokens": 10,
        "output_tokens": 5,
        "total_tokens": 15,
        "truncated": False,
    }
    assert set(doc.metadata) <= set(METADATA_KEYS)


def test_to_document_omits_unknown_values_instead_of_none() -> None:
    media = PreparedMedia("youtube", "", "https://youtu.be/x", file_uri="https://youtu.be/x")
    doc = _to_document("t", source="https://youtu.be/x", media=media, reply=None, model="m")
    assert None not in doc.metadata.values()
    assert doc.metadata == {"source": "https://youtu.be/x", "kind": "youtube", "model": "m"}


def test_expand_sources_globs_sorted_files_only(tmp_path: Path) -> None:
    (tmp_path / "b.mp4").write_bytes(b"x")
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.mp4").write_bytes(b"x")
    (tmp_path / "dir.mp4").mkdir()
    out = expand_sources([str(tmp_path / "*.mp4"), "files/abc", str(tmp_path / "**" / "c.mp4")])
    assert out == [
        str(tmp_path / "a.mp4"),
        str(tmp_path / "b.mp4"),
        "files/abc",
        str(tmp_path / "sub" / "c.mp4"),
    ]
    assert expand_sources(str(tmp_path / "*.mov")) == [str(tmp_path / "*.mov")]
    assert expand_sources("https://example.com/a.png?x=*") == ["https://example.com/a.png?x=*"]
