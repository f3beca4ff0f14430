"""The agent test shown in docs/testing-offline.md, kept runnable."""

from __future__ import annotations

from pathlib import Path

from langchain.agents import create_agent

from langchain_gemini_vision import GeminiVisionToolkit
from langchain_gemini_vision.testing import (
    FakeGeminiServer,
    ToolCall,
    has_tools,
    scripted_tool_calls,
)
from langchain_gemini_vision.testing.samples import make_png


def test_agent_counts_mugs(tmp_path: Path) -> None:
    (tmp_path / "desk.png").write_bytes(make_png(640, 480))
    with FakeGeminiServer() as server:
        server.add_rule(
            when=has_tools,
            handler=scripted_tool_calls(
                [
                    ToolCall(
                        "gemini_detect_objects",
                        {"image": str(tmp_path / "desk.png"), "target": "mug"},
                    )
                ],
                final=lambda results: f"Found: {results[0].response['output']}",
            ),
        )
        server.add_rule(
            has_media="image/",
            has_schema=True,
            text='```json\n[{"box_2d": [100, 200, 300, 400], "label": "mug"}]\n```',
        )
        llm = server.llm()
        tools = GeminiVisionToolkit(llm=llm, allowed_dirs=[tmp_path]).get_tools()
        result = create_agent(llm, tools=tools).invoke({"messages": [("user", "Any mugs?")]})

    tool_message = result["messages"][2]
    assert tool_message.artifact["detections"][0]["label"] == "mug"
    assert tool_message.artifact["detections"][0]["box"] == {
        "x_min": 128, "y_min": 48, "x_max": 256, "y_max": 144,
    }  # fmt: skip
    assert result["messages"][-1].text.startswith("Found: 1 object")
