"""The local-file trust boundary: what a tool opens is what was checked, with no race window."""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from langchain_gemini_vision.errors import MediaAccessError
from langchain_gemini_vision.files._routing import routed_media
from langchain_gemini_vision.files._source import open_source
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media import _safe_open
from langchain_gemini_vision.media._prepare import MediaPolicy, _read_path, prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png
from langchain_gemini_vision.toolkit import GeminiVisionToolkit
from langchain_gemini_vision.tools import GeminiImageCaptionTool
from langchain_gemini_vision.video._source import local_duration, prepare_video
from tests._offline import offline_llm

from ._slow_servers import background

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlink races are POSIX semantics")

ALLOWED = make_png(2, 2, color=(0, 200, 0))
SECRET = make_png(2, 2, color=(200, 0, 0))
TRIES = 10_000


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``allowed/`` (the tool's root) next to ``secret/`` (outside it)."""
    (tmp_path / "allowed" / "real_dir").mkdir(parents=True)
    (tmp_path / "secret").mkdir()
    (tmp_path / "allowed" / "ok.png").write_bytes(ALLOWED)
    (tmp_path / "allowed" / "real_dir" / "pic.png").write_bytes(ALLOWED)
    (tmp_path / "secret" / "pic.png").write_bytes(SECRET)
    assert ALLOWED != SECRET
    return tmp_path


def _exchanger() -> Callable[[Path, Path], None]:
    """Atomically swap two names (``renameat2(RENAME_EXCHANGE)``), whatever they are."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        pytest.skip("renameat2 is Linux-only")
    at_fdcwd, rename_exchange = -100, 2

    def exchange(a: Path, b: Path) -> None:
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
            raise OSError(ctypes.get_errno(), "renameat2")

    return exchange


@contextmanager
def swapping(name: Path, other: Path) -> Iterator[Counter[str]]:
    """In a thread, swap ``name`` and ``other`` (a real entry and a symlink) as fast as possible.

    This is the attack that beats check-then-open: the path is a real, allowed entry when it is
    checked and a symlink to an outside file a moment later, when it is opened by name.
    """
    exchange = _exchanger()
    swaps: Counter[str] = Counter()

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            exchange(name, other)
            swaps["swaps"] += 1

    with background(run):
        yield swaps


def _race(path: Path, policy: MediaPolicy) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for _ in range(TRIES):
        try:
            _opened, _mime, data, _large = _read_path(path, policy, "image")
        except MediaAccessError as exc:
            outcomes[exc.rule] += 1
            continue
        assert data != SECRET, "read a file outside allowed_dirs"
        assert data == ALLOWED
        outcomes["read"] += 1
    return outcomes


@pytest.mark.parametrize("walk", [True, False], ids=["openat-walk", "no-openat-fallback"])
def test_swapping_the_final_component_never_reads_outside(
    tree: Path, walk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not walk:  # what Windows gets: open the real path, compare (st_dev, st_ino) with lstat
        monkeypatch.setattr(_safe_open, "_CAN_WALK", False)
    policy = MediaPolicy.for_tool([tree / "allowed"])
    name = tree / "allowed" / "ok.png"
    os.symlink(tree / "secret" / "pic.png", tree / "allowed" / "evil.png")
    with swapping(name, tree / "allowed" / "evil.png") as swaps:
        outcomes = _race(name, policy)
    assert swaps["swaps"] > 100  # the name really flipped under the reader
    assert outcomes["read"] > 0  # the allowed target is still readable through the link
    assert outcomes["allowed_dirs"] + outcomes["symlink"] > 0  # and the outside one refused
    assert set(outcomes) <= {"read", "allowed_dirs", "symlink"}


@pytest.mark.parametrize("proc", [True, False], ids=["proc-fd-check", "walk-only"])
def test_swapping_an_intermediate_directory_never_reads_outside(
    tree: Path, proc: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not proc:  # what macOS/BSD get: the openat walk alone must close the race
        monkeypatch.setattr(_safe_open, "_PROC_FD", str(tree / "no-proc"))
    policy = MediaPolicy.for_tool([tree / "allowed"])
    name = tree / "allowed" / "real_dir"
    os.symlink(tree / "secret", tree / "allowed" / "evil_dir")
    with swapping(name, tree / "allowed" / "evil_dir") as swaps:
        outcomes = _race(name / "pic.png", policy)
    assert swaps["swaps"] > 100
    assert outcomes["read"] > 0
    assert outcomes["allowed_dirs"] + outcomes["symlink"] > 0
    assert set(outcomes) <= {"read", "allowed_dirs", "symlink"}


def test_hard_links_are_refused_by_default_and_accepted_when_allowed(tree: Path) -> None:
    inside = tree / "allowed" / "linked.png"
    os.link(tree / "secret" / "pic.png", inside)
    with pytest.raises(MediaAccessError, match="allow_hardlinks=True") as info:
        prepare_media(inside, policy=MediaPolicy.for_tool([tree / "allowed"]))
    assert info.value.rule == "hardlink"
    allowing = MediaPolicy.for_tool([tree / "allowed"], allow_hardlinks=True)
    assert prepare_media(inside, policy=allowing).mime_type == "image/png"
    # Developers' core calls read any path, hard-linked or not.
    assert prepare_media(inside).mime_type == "image/png"


def test_tools_refuse_hard_links_unless_the_developer_allows_them(tree: Path) -> None:
    inside = tree / "allowed" / "linked.png"
    os.link(tree / "secret" / "pic.png", inside)
    tool = GeminiImageCaptionTool(llm=offline_llm(), allowed_dirs=[tree / "allowed"])
    answer = tool.invoke({"images": [str(inside)]})  # refused before any request is made
    assert "hard links" in answer and "allow_hardlinks=True" in answer
    kit = GeminiVisionToolkit(llm=offline_llm(), allowed_dirs=[tree / "allowed"])
    assert all(not t.policy.allow_hardlinks for t in kit.get_tools())  # type: ignore[attr-defined]
    kit = GeminiVisionToolkit(
        llm=offline_llm(), allowed_dirs=[tree / "allowed"], allow_hardlinks=True
    )
    assert all(t.policy.allow_hardlinks for t in kit.get_tools())  # type: ignore[attr-defined]


def test_legitimate_symlinks_still_work(tree: Path) -> None:
    os.symlink("real_dir/pic.png", tree / "allowed" / "alias.png")
    os.symlink(tree / "allowed", tree / "root-alias")  # the root itself reached through a link
    policy = MediaPolicy.for_tool([tree / "root-alias"])
    assert prepare_media(tree / "allowed" / "alias.png", policy=policy).data is not None
    assert prepare_media(tree / "root-alias" / "ok.png", policy=policy).mime_type == "image/png"


def test_fifos_and_devices_are_refused_without_blocking(tree: Path) -> None:
    fifo = tree / "allowed" / "pipe.png"
    os.mkfifo(fifo)  # opening it blocking would hang until a writer appears
    with pytest.raises(MediaAccessError, match="not a regular file") as info:
        prepare_media(fifo, policy=MediaPolicy.for_tool([tree / "allowed"]))
    assert info.value.rule == "io"
    with pytest.raises(MediaAccessError, match="folder"):
        prepare_media(tree / "allowed" / "real_dir", policy=MediaPolicy.for_tool([tree]))


def _big_video(path: Path) -> str:
    path.write_bytes(make_mp4(60.0))
    with path.open("r+b") as handle:
        handle.truncate(25 * 1024 * 1024)  # over the inline limit: it goes through an upload
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_large_file_is_uploaded_from_the_checked_descriptor(tree: Path) -> None:
    video = tree / "allowed" / "clip.mp4"
    digest = _big_video(video)
    prepared = prepare_media(video, policy=MediaPolicy.for_tool([tree / "allowed"]))
    assert prepared.opened is not None and prepared.data is None
    # Swapped for an outside file by name after the check: the upload must not notice.
    os.replace(tree / "secret" / "pic.png", video)
    source = open_source(prepared.opened)
    assert source.size == 25 * 1024 * 1024 and source.mime_type == "video/mp4"
    assert source.sha256_hex() == digest


def test_upload_through_the_emulator_sends_the_checked_file(
    tree: Path, fake_server: FakeGeminiServer
) -> None:
    video = tree / "allowed" / "clip.mp4"
    digest = _big_video(video)
    prepared = prepare_media(video, policy=MediaPolicy.for_tool([tree / "allowed"]))
    os.replace(tree / "secret" / "pic.png", video)
    manager = GeminiFileManager(fake_server.llm(), reuse=False, sleep=lambda _s: None)
    with routed_media(prepared, manager=manager) as routed:
        assert routed.gemini_file is not None
        assert routed.gemini_file.sha256_hex == digest
        assert routed.gemini_file.size_bytes == 25 * 1024 * 1024


def test_developer_uploads_read_one_descriptor(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    digest = _big_video(video)
    source = open_source(video)
    os.replace(tmp_path / "clip.mp4", tmp_path / "moved.mp4")
    (tmp_path / "clip.mp4").write_bytes(SECRET)
    assert source.sha256_hex() == digest  # hashed from the file opened at validation
    with source.open() as stream:
        assert stream.read(12)[4:] == b"ftypisom"


def test_plain_mistakes_keep_their_own_messages(tree: Path) -> None:
    policy = MediaPolicy.for_tool([tree / "allowed"])
    with pytest.raises(MediaAccessError, match="No such file") as info:
        prepare_media(tree / "allowed" / "nope.png", policy=policy)
    assert info.value.rule == "missing"
    with pytest.raises(MediaAccessError, match="Not a directory") as info:
        prepare_media(tree / "allowed" / "ok.png" / "x.png", policy=policy)  # file as a folder
    assert info.value.rule == "io"
    with pytest.raises(MediaAccessError, match="not allowed"):
        prepare_media(tree / "allowed" / "ok.png", policy=MediaPolicy.for_tool([]))


def test_a_large_videos_duration_is_probed_from_the_checked_descriptor(tree: Path) -> None:
    video = tree / "allowed" / "clip.mp4"
    _big_video(video)
    prepared = prepare_video(video, policy=MediaPolicy.for_tool([tree / "allowed"]))
    (tree / "secret" / "long.mp4").write_bytes(make_mp4(3600.0))
    os.replace(tree / "secret" / "long.mp4", video)  # the name now holds another video
    assert local_duration(prepared) == pytest.approx(60.0)


def test_streams_read_exact_bytes_at_any_position_and_block_size(tmp_path: Path) -> None:
    """Reads go straight into the caller's buffer: odd sizes, seeks and the end stay exact."""
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    safe = _safe_open.open_local(path)
    try:
        whole = safe.stream()
        pieces = [whole.read(size) for size in (1, 4095, 1024 * 1024 + 3, 8 * 1024 * 1024)]
        assert b"".join(pieces) == data and whole.read(10) == b""
        other = safe.stream()
        other.seek(len(data) - 5)
        assert other.read() == data[-5:]
        buffer = bytearray(100)
        other.seek(1000)
        assert other.readinto(buffer) == 100 and bytes(buffer) == data[1000:1100]
    finally:
        safe.close()
