"""GeminiVideoTranscriptionTool: LangChain's standard suites plus the adapter's promises."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import ToolCall, ToolMessage
from langchain_google_genai import ChatGoogleGenerativeAI
from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.tools import GeminiVideoTranscriptionTool
from tests._offline import offline_llm

ANSWER = json.dumps(
    {"segments": [{"start": "00:00", "end": "00:05", "text": "Hello and welcome."},
                  {"start": "0:05 - 0:09", "end": "", "text": "Let's begin.",
                   "visual": "A whiteboard."}]}
)  # fmt: skip


class TestVideoToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[GeminiVideoTranscriptionTool]:
        return GeminiVideoTranscriptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": offline_llm(), "allowed_dirs": []}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"video": "videos/talk.mp4", "start": "01:00", "end": "02:30"}


class TestVideoToolIntegration(ToolsIntegrationTests):
    server: FakeGeminiServer
    llm: ChatGoogleGenerativeAI
    folder: Path

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _scripted_server(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        folder = tmp_path_factory.mktemp("videos")
        (folder / "talk.mp4").write_bytes(make_mp4(30.0))
        with FakeGeminiServer() as server:
            server.add_rule(has_schema=True, text=ANSWER)
            cls.server, cls.llm, cls.folder = server, server.llm(max_retries=1), folder
            yield

    @property
    def tool_constructor(self) -> type[GeminiVideoTranscriptionTool]:
        return GeminiVideoTranscriptionTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"llm": self.llm, "allowed_dirs": [self.folder]}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"video": str(self.folder / "talk.mp4")}


def call(**args: Any) -> ToolCall:
    return ToolCall(name="gemini_transcribe_video", args=args, id="call-1", type="tool_call")


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "talk.mp4"
    path.write_bytes(make_mp4(30.0))
    return path


def test_content_is_stamped_text_and_artifact_the_transcript(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, video: Path, tmp_path: Path
) -> None:
    server.add_rule(text=ANSWER)
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path])
    message = tool.invoke(call(video=str(video), start="00:00", end="00:20"))
    assert isinstance(message, ToolMessage)
    assert "[00:00] Hello and welcome." in message.content
    assert "[00:05] Let's begin. [visual: A whiteboard.]" in message.content
    assert message.artifact["segments"][1]["start_s"] == 5
    assert message.artifact["duration_s"] == 30


def test_long_content_is_capped_with_a_note(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, video: Path, tmp_path: Path
) -> None:
    lines = [{"start": f"00:{i:02d}", "end": "", "text": "word " * 30} for i in range(29)]
    server.add_rule(json={"segments": lines})
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path], max_content_chars=500)
    message = tool.invoke(call(video=str(video)))
    assert len(message.content) < 700
    assert "transcript truncated" in message.content
    assert len(message.artifact["segments"]) == 29


async def test_question_gives_an_answer(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, video: Path, tmp_path: Path
) -> None:
    server.add_rule(has_schema=False, text="A whiteboard appears at 00:05.")
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path])
    message = await tool.ainvoke(call(video=str(video), question="What appears at 00:05?"))
    assert message.content == "A whiteboard appears at 00:05."
    assert message.artifact["text"] == "A whiteboard appears at 00:05."


def test_paths_outside_allowed_dirs_and_bad_offsets_become_tool_errors(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, video: Path, tmp_path: Path
) -> None:
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path / "elsewhere"])
    refused = tool.invoke(call(video=str(video)))
    assert refused.status == "error"
    tool = GeminiVideoTranscriptionTool(llm=llm, allowed_dirs=[tmp_path])
    reversed_ = tool.invoke(call(video=str(video), start="00:20", end="00:10"))
    assert reversed_.status == "error" and "must be after start" in reversed_.content
    assert server.generate_requests() == []
