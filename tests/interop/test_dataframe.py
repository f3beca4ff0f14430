"""Transcript.to_dataframe() on a transcript from the demo world, against real pandas."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from langchain_gemini_vision import (
    ConfigurationError,
    Transcript,
    TranscriptSegment,
    transcribe_video,
)
from langchain_gemini_vision.testing.demo import demo_server, write_samples


def test_columns_and_values(tmp_path: Path) -> None:
    samples = write_samples(tmp_path)
    with demo_server() as server:
        transcript = transcribe_video(samples.video, llm=server.llm())
    frame = transcript.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "start_s", "end_s", "start_timestamp", "text", "speaker", "visual",
    ]  # fmt: skip
    assert len(frame) == len(transcript.segments) > 3
    assert frame["start_s"].dtype == "float64" and frame["end_s"].dtype == "float64"
    assert frame["start_s"].tolist() == [s.start_s for s in transcript.segments]
    assert frame["text"].tolist() == [s.text for s in transcript.segments]
    assert frame["visual"].tolist() == [s.visual for s in transcript.segments]
    assert frame["visual"].notna().all() and frame["speaker"].isna().all()
    assert frame.loc[1, "start_timestamp"] == "00:09"
    # The stamps are the ones to_text() prints.
    assert [f"[{t}]" for t in frame["start_timestamp"]] == [
        line.split(" ", 1)[0] for line in transcript.to_text().splitlines()
    ]


def test_long_video_stamps_and_missing_speaker() -> None:
    transcript = Transcript(
        segments=[
            TranscriptSegment(start_s=5, end_s=9, text="hello", speaker="Ann"),
            TranscriptSegment(start_s=3725.5, end_s=3730, text="late"),
        ]
    )
    frame = transcript.to_dataframe()
    assert frame["start_timestamp"].tolist() == ["0:00:05", "1:02:05"]
    assert frame.loc[0, "speaker"] == "Ann"
    assert frame["speaker"].isna().tolist() == [False, True]
    assert Transcript().to_dataframe().empty


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ConfigurationError) as info:
        Transcript().to_dataframe()
    assert 'pip install "langchain-gemini-vision[pandas]"' in str(info.value)
