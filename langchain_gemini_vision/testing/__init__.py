"""A faithful local Gemini API for tests, demos and benchmarks.

``FakeGeminiServer`` speaks the live v1beta wire format over real HTTP on 127.0.0.1, so the real
``google-genai`` SDK and ``ChatGoogleGenerativeAI`` run unmodified against it::

    from langchain_gemini_vision.testing import FakeGeminiServer

    with FakeGeminiServer(processing_polls=2, video_duration_s=42) as server:
        server.add_rule(has_media="image/", text="A red bicycle.")
        llm = server.llm()                    # ChatGoogleGenerativeAI -> server.url
        client = server.client()              # google.genai.Client -> server.url
        ...
        assert server.requests[-1].headers["x-goog-api-key"] == "REDACTED"
"""

from __future__ import annotations

from langchain_gemini_vision.testing._agent import ToolCall, has_tools, scripted_tool_calls
from langchain_gemini_vision.testing._faults import Drop, Fault
from langchain_gemini_vision.testing._files import FileRecord, UploadSession
from langchain_gemini_vision.testing._rules import (
    DEFAULT_TEXT,
    FunctionResult,
    GenerateRequest,
    MediaPart,
    Reply,
    Rule,
)
from langchain_gemini_vision.testing.server import FakeGeminiServer, RecordedRequest

__all__ = [
    "DEFAULT_TEXT",
    "Drop",
    "FakeGeminiServer",
    "Fault",
    "FileRecord",
    "FunctionResult",
    "GenerateRequest",
    "MediaPart",
    "RecordedRequest",
    "Reply",
    "Rule",
    "ToolCall",
    "UploadSession",
    "has_tools",
    "scripted_tool_calls",
]
