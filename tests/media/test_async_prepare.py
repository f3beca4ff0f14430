"""Async preparation of local images: a small pass-through image skips the worker thread, with
the same checks and the same result as the sync path; anything else still goes to a thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_gemini_vision.errors import GeminiVisionError
from langchain_gemini_vision.image._imaging import aprepare_image, prepare_image
from langchain_gemini_vision.media import _prepare
from langchain_gemini_vision.media._prepare import MediaPolicy, aprepare_media, prepare_media
from langchain_gemini_vision.testing.samples import make_jpeg, make_png


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the functions ``aprepare_media`` sent to a worker thread."""
    seen: list[str] = []
    real = asyncio.to_thread

    async def spy(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        seen.append(fn.__name__)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", spy)
    return seen


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``allowed/`` (the policy's root) next to ``outside/``."""
    (tmp_path / "allowed").mkdir()
    (tmp_path / "outside").mkdir()
    return tmp_path


def _policy(tree: Path, **kwargs: Any) -> MediaPolicy:
    return MediaPolicy.for_tool([tree / "allowed"], **kwargs)


def _same(a: _prepare.PreparedMedia, b: _prepare.PreparedMedia) -> None:
    assert (a.kind, a.mime_type, a.source, a.data, a.path, a.size_bytes) == (
        b.kind, b.mime_type, b.source, b.data, b.path, b.size_bytes,
    )  # fmt: skip
    assert a.geometry == b.geometry
    assert a.repairs == b.repairs


@pytest.mark.parametrize(
    "data",
    [make_jpeg(64, 48), make_png(40, 30)],
    ids=["jpeg", "png"],
)
async def test_small_upright_image_is_prepared_without_a_thread(
    tree: Path, data: bytes, hops: list[str]
) -> None:
    path = tree / "allowed" / "pic"
    path.write_bytes(data)
    policy = _policy(tree)
    prepared = await aprepare_image(str(path), policy=policy, max_image_pixels=2_560_000)
    assert hops == []
    assert prepared.data == data  # the bytes as they are: no re-encode
    _same(prepared, prepare_image(str(path), policy=policy, max_image_pixels=2_560_000))


@pytest.mark.parametrize(
    ("data", "sizes", "repair"),
    [
        (make_jpeg(64, 48, orientation=6), {}, "EXIF orientation 6"),
        (make_jpeg(64, 48), {"max_image_side": 32}, "downscaled"),
        (make_jpeg(400, 300), {"max_image_pixels": 10_000}, "downscaled"),
    ],
    ids=["rotated", "side-limit", "pixel-budget"],
)
async def test_image_needing_pixel_work_goes_to_a_thread(
    tree: Path, data: bytes, sizes: dict[str, int], repair: str, hops: list[str]
) -> None:
    path = tree / "allowed" / "pic.jpg"
    path.write_bytes(data)
    policy = _policy(tree)
    prepared = await aprepare_media(path, policy=policy, expect="image", **sizes)
    assert hops == ["_from_path"]
    assert any(repair in r for r in prepared.repairs)
    _same(prepared, prepare_media(path, policy=policy, expect="image", **sizes))


async def test_gif_is_converted_in_a_thread(tree: Path, hops: list[str]) -> None:
    from PIL import Image

    path = tree / "allowed" / "anim.gif"
    Image.new("P", (20, 10)).save(path, format="GIF")
    prepared = await aprepare_media(path, policy=_policy(tree), expect="image")
    assert hops == ["_from_path"]
    assert prepared.mime_type == "image/png"


async def test_truncated_image_gets_the_full_message_from_the_thread(
    tree: Path, hops: list[str]
) -> None:
    path = tree / "allowed" / "cut.jpg"
    path.write_bytes(make_jpeg(64, 48)[:-200])
    policy = _policy(tree)
    with pytest.raises(GeminiVisionError) as sync_error:
        prepare_image(str(path), policy=policy)
    with pytest.raises(GeminiVisionError) as async_error:
        await aprepare_image(str(path), policy=policy)
    assert hops == ["_from_path"]
    assert type(async_error.value) is type(sync_error.value)
    assert str(async_error.value) == str(sync_error.value)


def _outside(tree: Path) -> Path:
    (tree / "outside" / "pic.png").write_bytes(make_png(4, 4))
    return tree / "outside" / "pic.png"


def _symlink_out(tree: Path) -> Path:
    os.symlink(_outside(tree), tree / "allowed" / "link.png")
    return tree / "allowed" / "link.png"


def _hardlink_in(tree: Path) -> Path:
    os.link(_outside(tree), tree / "allowed" / "twin.png")
    return tree / "allowed" / "twin.png"


def _empty(tree: Path) -> Path:
    (tree / "allowed" / "empty.png").write_bytes(b"")
    return tree / "allowed" / "empty.png"


def _text(tree: Path) -> Path:
    (tree / "allowed" / "notes.png").write_bytes(b"not an image at all, only text\n" * 4)
    return tree / "allowed" / "notes.png"


def _missing(tree: Path) -> Path:
    return tree / "allowed" / "nothing.png"


@pytest.mark.skipif(os.name != "posix", reason="symlink and hard-link semantics are POSIX")
@pytest.mark.parametrize(
    "make",
    [_outside, _symlink_out, _hardlink_in, _empty, _text, _missing],
    ids=["outside", "symlink-out", "hardlink", "empty", "not-an-image", "missing"],
)
async def test_refusals_are_the_sync_paths(tree: Path, make: Callable[[Path], Path]) -> None:
    path = make(tree)
    policy = _policy(tree)
    with pytest.raises(GeminiVisionError) as sync_error:
        prepare_image(str(path), policy=policy)
    with pytest.raises(GeminiVisionError) as async_error:
        await aprepare_image(str(path), policy=policy)
    assert type(async_error.value) is type(sync_error.value)
    assert str(async_error.value) == str(sync_error.value)
    assert getattr(async_error.value, "rule", None) == getattr(sync_error.value, "rule", None)


@pytest.mark.skipif(os.name != "posix", reason="hard links are POSIX semantics here")
async def test_hardlink_allowed_by_policy_is_read_inline(tree: Path, hops: list[str]) -> None:
    path = _hardlink_in(tree)
    prepared = await aprepare_image(str(path), policy=_policy(tree, allow_hardlinks=True))
    assert hops == []
    assert prepared.data == path.read_bytes()


def _encoded(size: tuple[int, int], fmt: str, **options: Any) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("size", [(1, 1), (640, 480), (4032, 3024), (17, 9999)])
@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("PNG", {}),
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("JPEG", {"exif": b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + b"\x00" * 9000}),
        ("JPEG", {"icc_profile": b"\x00" * 70_000}),  # split over several APP2 segments
    ],
    ids=["png", "jpeg", "progressive", "big-exif", "big-icc"],
)
def test_declared_size_matches_pillow(
    fmt: str, options: dict[str, Any], size: tuple[int, int]
) -> None:
    import io

    from PIL import Image

    from langchain_gemini_vision.media._image_meta import declared_size

    data = _encoded(size, fmt, **options)
    assert declared_size(data) == Image.open(io.BytesIO(data)).size == size


def test_declared_size_never_raises_on_damaged_headers() -> None:
    import random

    from langchain_gemini_vision.media._image_meta import declared_size

    data = _encoded((300, 200), "JPEG", exif=b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00")
    rng = random.Random(7)
    answers = set()
    for _ in range(3000):
        damaged = bytearray(data[: rng.randrange(len(data))])
        for _ in range(rng.randrange(4)):
            if damaged:
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        size = declared_size(bytes(damaged))
        assert size is None or (size[0] > 0 and size[1] > 0)
        answers.add(size)
    assert None in answers and (300, 200) in answers  # both outcomes were exercised
    assert declared_size(b"GIF89a" + b"\x00" * 20) is None  # other formats: Pillow decides


async def test_bytes_declaring_many_pixels_go_to_a_thread(hops: list[str]) -> None:
    """A small PNG can declare a huge image: that header alone sends the work off the loop."""
    from langchain_gemini_vision.media._image_meta import declared_size

    bomb = make_png(40, 30)
    # Same bytes with IHDR claiming 3000x3000 (CRC left wrong: the header read must not care).
    claimed = bomb[:16] + (3000).to_bytes(4, "big") * 2 + bomb[24:]
    assert declared_size(claimed) == (3000, 3000)
    with pytest.raises(GeminiVisionError):
        await aprepare_image(claimed, max_image_side=100)
    assert hops == ["prepare_media"]


async def test_small_bytes_are_prepared_on_the_loop(hops: list[str]) -> None:
    data = make_jpeg(64, 48)
    prepared = await aprepare_image(data, max_image_pixels=2_560_000)
    assert hops == []
    assert prepared.data == data
