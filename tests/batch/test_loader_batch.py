"""GeminiVideoTranscriptLoader(batch=True): one job for every window, resumable from its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_gemini_vision.document_loaders import GeminiVideoTranscriptLoader
from langchain_gemini_vision.errors import ConfigurationError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

ANSWER = {"segments": [{"start": "0:10", "end": "0:20", "text": "hi"}]}


def _creates(server: FakeGeminiServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith(":batchGenerateContent"))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_videos_load_through_one_job_and_a_second_load_resumes_it(
    fake_server: FakeGeminiServer, tmp_path: Path, mode: str
) -> None:
    fake_server.add_rule(json=ANSWER)
    llm = fake_server.llm(max_retries=1)
    long = fake_server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=3600)
    short = tmp_path / "short.mp4"
    short.write_bytes(make_mp4(60.0))
    job_path = tmp_path / "transcripts.job.json"

    def loader() -> GeminiVideoTranscriptLoader:
        return GeminiVideoTranscriptLoader(
            [long.name, str(short)], llm=llm, mode="video", batch=True, job_path=job_path,
            batch_poll=0.05, window_s=1000, visual=False,
        )  # fmt: skip

    async def load() -> list[str]:
        docs = loader().load() if mode == "sync" else [d async for d in loader().alazy_load()]
        # mode="video": one Document per video, its source deep-linked at the first segment.
        return [doc.metadata["source"].split("#")[0] for doc in docs]

    assert await load() == [long.name, str(short)]
    assert _creates(fake_server) == 1
    assert job_path.exists()
    # A restarted pipeline with the same job file collects the same job: no second submission.
    assert await load() == [long.name, str(short)]
    assert _creates(fake_server) == 1
    assert list(fake_server.files) == [long.name]  # the job's own uploads are gone


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"start": "0:10"}, "cannot be used with batch=True"),
        ({"delete_after": False}, "delete_after=False cannot be used"),
        ({"batch": False, "job_path": "x.json"}, "need batch=True"),
    ],
)
def test_options_a_batch_job_cannot_honour_are_refused_at_construction(
    options: dict[str, object], match: str
) -> None:
    kwargs: dict[str, object] = {"batch": True, **options}
    with pytest.raises(ConfigurationError, match=match):
        GeminiVideoTranscriptLoader("talk.mp4", **kwargs)  # type: ignore[arg-type]
