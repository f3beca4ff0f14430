"""LangChain's standard integration suite for each tool, replayed from cassettes."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests

from langchain_gemini_vision.tools import (
    GeminiImageCaptionTool,
    GeminiObjectDetectionTool,
    GeminiVideoTranscriptionTool,
    GeminiYouTubeSummaryTool,
)

from .conftest import SAMPLES, CassetteBackend

pytestmark = [pytest.mark.cassette, pytest.mark.vcr]


class _Replayed(ToolsIntegrationTests):
    tool_class: type[BaseTool]

    @pytest.fixture
    def tool(self, cassette_backend: CassetteBackend) -> BaseTool:
        return self.tool_class(llm=cassette_backend.llm, allowed_dirs=[SAMPLES.folder])

    @property
    def tool_constructor(self) -> type[BaseTool]:
        return self.tool_class


class TestCaptionToolReplayed(_Replayed):
    tool_class = GeminiImageCaptionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"images": [str(SAMPLES.image)], "style": "one_line"}


class TestDetectionToolReplayed(_Replayed):
    tool_class = GeminiObjectDetectionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"image": str(SAMPLES.image), "target": "the coffee mug"}


class TestTranscriptionToolReplayed(_Replayed):
    tool_class = GeminiVideoTranscriptionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"video": str(SAMPLES.video)}


class TestYouTubeToolReplayed(_Replayed):
    tool_class = GeminiYouTubeSummaryTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"url": SAMPLES.youtube_url, "style": "brief"}
