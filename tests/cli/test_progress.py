"""Progress lines: drawn with \\r only on a terminal, throttled, and closed with a newline."""

from __future__ import annotations

import io

from langchain_gemini_vision.cli._progress import Progress
from langchain_gemini_vision.types import GeminiFile

from .conftest import TTY


def test_nothing_is_drawn_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress("upload a.mp4", stream=stream)
    bar.bytes(5, 10)
    bar.poll(GeminiFile(name="files/abc", state="PROCESSING"), 1.0)
    bar.close("done")
    assert stream.getvalue() == ""


def test_upload_bar_redraws_in_place_and_ends_the_line() -> None:
    stream = TTY()
    now = [0.0]
    bar = Progress("upload a.mp4", stream=stream, clock=lambda: now[0])
    bar.bytes(0, 4_000_000)
    bar.bytes(1_000_000, 4_000_000)  # within 50 ms of the last draw: skipped
    now[0] = 1.0
    bar.bytes(2_000_000, 4_000_000)
    bar.bytes(4_000_000, 4_000_000)  # the final state is always drawn
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 3
    assert frames[1].startswith("upload a.mp4 [" + "#" * 14 + "-" * 14 + "]  50%  2.0 MB/4.0 MB")
    assert frames[2].rstrip("\n").rstrip().endswith("100%  4.0 MB/4.0 MB")
    assert stream.getvalue().endswith("\n")


def test_a_shorter_line_covers_the_previous_one() -> None:
    stream = TTY()
    bar = Progress("wait", stream=stream)
    bar.poll(GeminiFile(name="files/abcdefghijkl", state="PROCESSING"), 12.5)
    bar.steps(1, 2)
    first, second = stream.getvalue().split("\r")[1:]
    assert "files/abcdefghijkl PROCESSING  12.5 s" in first
    assert len(second) == len(first) and second.startswith("wait window 1/2")
