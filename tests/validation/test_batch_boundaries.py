"""Boundary checks of the batch, many-image and session calls that the table cannot show.

Each refused call must fail before any request reaches the emulator (nothing uploaded, no job
created), which is the point of checking at the boundary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_gemini_vision import (
    BatchJob,
    InvalidRequestError,
    caption_images,
    caption_images_batch,
    detect_objects_many,
)
from langchain_gemini_vision.testing import FakeGeminiServer

from .surface import World


def test_an_unwritable_job_path_is_refused_before_any_upload_or_job(
    world: World, emulator: FakeGeminiServer
) -> None:
    before = len(emulator.requests)
    too_long = world.tmp / ("é" * 300)  # over the 255-byte file-name limit
    with pytest.raises(InvalidRequestError, match="job_path") as info:
        caption_images_batch([world.png], llm=world.llm, job_path=too_long)
    assert "writable folder" in str(info.value)
    assert len(emulator.requests) == before


def test_a_clock_that_returns_no_datetime_is_named(world: World) -> None:
    with pytest.raises(InvalidRequestError, match="now must be a clock returning a datetime"):
        caption_images_batch([world.png], llm=world.llm, now=lambda: None)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: caption_images([w.png], llm=w.llm, sytle="one_line"),
        lambda w: detect_objects_many([w.png], "cat", llm=w.llm, max_concurrency=65),
        lambda w: caption_images(iter([w.png]), llm=w.llm),
    ],
    ids=["misspelt-option", "too-many-threads", "a-generator"],
)
def test_many_image_calls_refuse_once_up_front_not_per_image(
    world: World, emulator: FakeGeminiServer, call: object
) -> None:
    before = len(emulator.requests)
    with pytest.raises(InvalidRequestError):
        call(world)  # type: ignore[operator]
    assert len(emulator.requests) == before


def test_wait_checks_its_arguments_before_polling(world: World, emulator: FakeGeminiServer) -> None:
    job = BatchJob(
        llm=world.llm,
        name="batches/never-polled",
        model="gemini-2.5-flash",
        display_name="",
        items=[],
        batch_files=[],
        media_files=[],
        requests_path=None,
    )
    before = len(emulator.requests)
    with pytest.raises(InvalidRequestError, match=r"timeout must be a number >= 0 seconds"):
        job.wait(poll=1, timeout=-1)
    with pytest.raises(InvalidRequestError, match="on_progress must be a callable"):
        job.wait(poll=1, on_progress="bar")
    assert len(emulator.requests) == before


def test_a_job_built_with_text_paths_keeps_them_as_paths(world: World) -> None:
    job = BatchJob(
        llm=world.llm,
        name=None,
        model="gemini-2.5-flash",
        display_name="by hand",
        items=[],
        batch_files=[],
        media_files=[],
        requests_path=str(world.tmp / "requests.jsonl"),
        path=str(world.tmp / "job.json"),
    )
    assert job.requests_path == world.tmp / "requests.jsonl"
    assert job.save() == Path(world.tmp / "job.json")


@pytest.mark.parametrize("folder", ["/", ".", ".."])
def test_a_folder_as_job_path_is_refused(world: World, folder: str) -> None:
    with pytest.raises(InvalidRequestError, match="job_path must be a file path"):
        caption_images_batch([world.png], llm=world.llm, job_path=folder)
