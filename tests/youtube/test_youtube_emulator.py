"""summarize_youtube / transcripts of YouTube links against FakeGeminiServer; tool and loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import ToolCall
from langchain_google_genai import ChatGoogleGenerativeAI
from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_gemini_vision import (
    InvalidYouTubeURLError,
    MediaAccessError,
    asummarize_youtube,
    summarize_youtube,
    transcribe_video,
)
from langchain_gemini_vision.document_loaders import GeminiYouTubeLoader
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest, Reply
from langchain_gemini_vision.tools import GeminiYouTubeSummaryTool
from tests._offline import offline_llm

ID = "9hE5-98ZeCg"
CANONICAL = f"https://www.youtube.com/watch?v={ID}"
CHAPTERS = {
    "summary": "NASA explains how Jupiter's Great Red Spot shrinks and grows.",
    "chapters": [
        {"start": "00:00", "title": "Intro", "summary": "The storm is introduced."},
        {"start": "0:31 - 0:52", "title": "Measurements", "summary": "Decades of data."},
        {"start": "(0:15)", "title": "Out of order", "summary": ""},
        {"start": "12:00", "title": "Hallucinated", "summary": "Past the end."},
    ],
}


def fileparts(req: GenerateRequest) -> list[dict[str, Any]]:
    parts = req.body["contents"][0]["parts"]
    return [p for p in parts if "fileData" in p or "file_data" in p]


def test_request_has_exactly_one_filedata_with_canonical_url_and_offsets(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", json=CHAPTERS)
    summary = summarize_youtube(f"https://youtu.be/{ID}?si=tracking&t=1m30s", end="02:00", llm=llm)
    (req,) = server.generate_requests()
    (part,) = fileparts(req)
    data = part.get("fileData") or part["file_data"]
    assert (data.get("fileUri") or data.get("file_uri")) == CANONICAL
    assert "mimeType" not in data and "mime_type" not in data
    assert req.media[0].video_metadata == {"startOffset": "90s", "endOffset": "120s"}
    assert req.media[0].source == "youtube"
    assert summary.video_id == ID
    assert summary.url == f"{CANONICAL}&t=90s"


def test_chapters_in_order_with_deep_links(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", json=CHAPTERS)
    summary = summarize_youtube(CANONICAL, style="chapters", end="1:00", llm=llm)
    starts = [c.start_s for c in summary.chapters]
    assert starts == [0, 15, 31]
    assert [c.url for c in summary.chapters] == [
        f"{CANONICAL}&t=0s",
        f"{CANONICAL}&t=15s",
        f"{CANONICAL}&t=31s",
    ]
    assert [c.end_s for c in summary.chapters] == [15, 31, 60]
    warnings = " | ".join(summary.warnings)
    assert "Hallucinated" not in [c.title for c in summary.chapters]
    assert "dropped a segment at 12:00" in warnings and "out of order" in warnings
    assert "[00:31] Measurements: Decades of data." in summary.text  # chapters style


@pytest.mark.parametrize("style", ["brief", "detailed", "bullets", "chapters"])
async def test_styles_change_the_prompt(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, style: str
) -> None:
    server.add_rule(json={"summary": "ok", "chapters": []})
    summary = await asummarize_youtube(CANONICAL, style=style, llm=llm)  # type: ignore[arg-type]
    assert summary.text == "ok"
    (req,) = server.generate_requests()
    keyword = {"brief": "two or three", "detailed": "detailed", "bullets": "bullet",
               "chapters": "every distinct topic"}[style]  # fmt: skip
    assert keyword in req.text


def test_prose_answer_still_gives_chapters(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="Summary of the video.\n00:00 Intro\n01:10 - The main part")
    summary = summarize_youtube(CANONICAL, llm=llm)
    assert [(c.start_s, c.title) for c in summary.chapters] == [(0, "Intro"), (70, "The main part")]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/@NASA",
        "https://www.youtube.com/playlist?list=PL1234567890",
        "https://www.youtube.com/embed/videoseries?list=PL1234567890",
        "https://vimeo.com/123456",
        "https://youtu.be/tooShort",
    ],
)
def test_bad_links_are_refused_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, url: str
) -> None:
    with pytest.raises(InvalidYouTubeURLError, match="Accepted forms"):
        summarize_youtube(url, llm=llm)
    with pytest.raises(InvalidYouTubeURLError):
        GeminiYouTubeLoader(url, llm=llm)
    if "vimeo" not in url:  # for transcribe_video any other https URL is a file to fetch
        with pytest.raises(InvalidYouTubeURLError):
            transcribe_video(url, llm=llm)
    assert server.requests == []


@pytest.mark.parametrize("status", [400, 403])
def test_private_or_restricted_video_error_names_the_cause(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, status: int
) -> None:
    server.add_rule(
        has_media="youtube",
        handler=lambda req: Reply(error_status=status, error_message="Request contains an "
                                  "invalid argument."),
    )  # fmt: skip
    with pytest.raises(MediaAccessError) as info:
        summarize_youtube(CANONICAL, llm=llm)
    message = str(info.value)
    assert "private" in message and "age-restricted" in message and "live" in message
    assert info.value.rule == "youtube"
    with pytest.raises(MediaAccessError, match="private"):
        transcribe_video(CANONICAL, llm=llm)


def test_transcript_of_a_youtube_link_uses_the_transcript_code(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", text="[00:00] Relative start\n[00:10] Later")
    transcript = transcribe_video(f"https://m.youtube.com/watch?v={ID}&t=90s", llm=llm)
    assert transcript.source == CANONICAL
    assert [s.start_s for s in transcript.segments] == [90, 100]  # shifted onto the video clock
    (req,) = server.generate_requests()
    assert req.media[0].video_metadata == {"startOffset": "90s"}
    assert req.response_schema is not None


def test_loader_summary_and_transcript_documents(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", has_schema=True, prompt_contains="chapters", json=CHAPTERS)
    server.add_rule(
        has_media="youtube",
        prompt_contains="Transcribe",
        json={"segments": [{"start": "0:02", "end": "0:08", "text": "The Great Red Spot"},
                           {"start": "1:04", "end": "1:09", "text": "is shrinking."}]},
    )  # fmt: skip
    loader = GeminiYouTubeLoader(f"https://youtu.be/{ID}", llm=llm, mode="both")
    docs = list(loader.lazy_load())
    summary, *transcript = docs
    assert summary.metadata["document_type"] == "summary"
    assert summary.metadata["video_id"] == ID
    assert summary.metadata["source"] == CANONICAL
    assert "[00:31] Measurements" in summary.page_content
    assert [d.metadata["source"] for d in transcript] == [f"{CANONICAL}&t=2s", f"{CANONICAL}&t=64s"]
    assert all(d.metadata["video_id"] == ID for d in transcript)
    assert transcript[1].metadata["start_timestamp"] == "01:04"


# --- tool -------------------------------------------------------------------------------------


class TestYouTubeToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[GeminiYouTubeSummaryTool]:
        return GeminiYouTubeSummaryTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": offline_llm()}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"url": f"https://youtu.be/{ID}", "style": "bullets"}


class TestYouTubeToolIntegration(ToolsIntegrationTests):
    llm: ChatGoogleGenerativeAI

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _scripted_server(cls) -> Iterator[None]:
        with FakeGeminiServer() as server:
            server.add_rule(has_media="youtube", text=json.dumps(CHAPTERS))
            cls.llm = server.llm(max_retries=1)
            yield

    @property
    def tool_constructor(self) -> type[GeminiYouTubeSummaryTool]:
        return GeminiYouTubeSummaryTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": self.llm}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"url": f"https://www.youtube.com/shorts/{ID}", "style": "chapters"}


def test_tool_content_and_artifact(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI) -> None:
    server.add_rule(json=CHAPTERS)
    tool = GeminiYouTubeSummaryTool(llm=llm)
    message = tool.invoke(
        ToolCall(name=tool.name, args={"url": f"https://youtu.be/{ID}", "end": "1:00"},
                 id="c1", type="tool_call")
    )  # fmt: skip
    assert message.content.startswith("NASA explains")
    assert f"[00:31] Measurements - {CANONICAL}&t=31s" in message.content
    assert message.artifact["video_id"] == ID
    assert len(message.artifact["chapters"]) == 3
    bad = tool.invoke(
        ToolCall(name=tool.name, args={"url": "https://www.youtube.com/@NASA"}, id="c2",
                 type="tool_call")
    )  # fmt: skip
    assert bad.status == "error" and "channel" in bad.content
