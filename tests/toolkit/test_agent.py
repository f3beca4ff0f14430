"""A real LangChain agent (create_agent) driven by scripted Gemini tool calls over HTTP.

The model is ChatGoogleGenerativeAI against FakeGeminiServer, which answers with ``functionCall``
parts and receives ``functionResponse`` parts, as the live API does; the tools run for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import tool
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import GeminiVisionToolkit
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import AGENT_TASK, VIDEO_DURATION_S, DemoSamples
from langchain_gemini_vision.toolkit import TOOL_NAMES


@tool
def convert_units(value: float, from_unit: str, to_unit: str) -> str:
    """Convert seconds to minutes."""
    assert (from_unit, to_unit) == ("s", "min")
    return f"{value / 60:.2f} min"


def _agent(llm: ChatGoogleGenerativeAI, samples: DemoSamples, out_dir: Path) -> Any:
    toolkit = GeminiVisionToolkit(llm=llm, allowed_dirs=[samples.folder], output_dir=out_dir)
    return create_agent(llm, tools=[*toolkit.get_tools(), convert_units])


def _tool_messages(messages: list[BaseMessage]) -> dict[str, ToolMessage]:
    return {m.name or "": m for m in messages if isinstance(m, ToolMessage)}


def _check_artifacts(by_name: dict[str, ToolMessage]) -> None:
    assert set(TOOL_NAMES) <= set(by_name)
    for name in TOOL_NAMES:
        message = by_name[name]
        assert message.status == "success", message.content
        assert isinstance(message.content, str) and message.content
        assert isinstance(message.artifact, dict), name

    caption = by_name["gemini_caption_image"]
    assert caption.artifact["text"] == caption.content
    assert "laptop" in caption.content

    detect = by_name["gemini_detect_objects"].artifact
    assert [d["label"] for d in detect["detections"]] == ["laptop", "coffee mug", "apple"]
    assert (detect["image_width"], detect["image_height"]) == (1024, 768)
    for det in detect["detections"]:
        box = det["box"]
        assert 0 <= box["x_min"] < box["x_max"] <= 1024 and 0 <= box["y_min"] < box["y_max"] <= 768
    assert Path(detect["annotated_image_path"]).is_file()

    transcript = by_name["gemini_transcribe_video"]
    segments = transcript.artifact["segments"]
    assert len(segments) == 8
    starts = [s["start_s"] for s in segments]
    assert starts == sorted(starts) and starts[0] == 0
    assert all(s["end_s"] <= VIDEO_DURATION_S for s in segments)
    assert "[00:21] Hook two tyre levers" in transcript.content

    youtube = by_name["gemini_summarize_youtube"].artifact
    assert youtube["video_id"] == "aircAruvnKk"
    assert youtube["chapters"][1]["url"].endswith("&t=162s")
    assert by_name["convert_units"].content == "1.58 min"


def test_agent_calls_each_tool_and_gets_content_and_artifact(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, samples: DemoSamples, out_dir: Path
) -> None:
    agent = _agent(llm, samples, out_dir)
    result = agent.invoke({"messages": [("user", AGENT_TASK.format(url=samples.youtube_url))]})
    messages: list[BaseMessage] = result["messages"]

    _check_artifacts(_tool_messages(messages))
    # The first turn called caption and detection in parallel (two functionCall parts).
    first = next(m for m in messages if isinstance(m, AIMessage))
    assert [c["name"] for c in first.tool_calls] == [
        "gemini_caption_image",
        "gemini_detect_objects",
    ]
    final = messages[-1]
    assert isinstance(final, AIMessage) and not final.tool_calls
    assert "3 objects" in final.text and "1.58 min" in final.text

    # Every tool result went back to the model as a functionResponse part.
    agent_requests = [r for r in server.generate_requests() if r.tool_names]
    assert len(agent_requests) == 5
    assert set(agent_requests[0].tool_names) == {*TOOL_NAMES, "convert_units"}
    returned = [fr.name for fr in agent_requests[-1].function_responses]
    assert returned == ["gemini_caption_image", "gemini_detect_objects", *TOOL_NAMES[2:],
                        "convert_units"]  # fmt: skip


async def test_async_agent_runs_the_async_tool_paths(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, samples: DemoSamples, out_dir: Path
) -> None:
    agent = _agent(llm, samples, out_dir)
    result = await agent.ainvoke(
        {"messages": [("user", AGENT_TASK.format(url=samples.youtube_url))]}
    )
    _check_artifacts(_tool_messages(result["messages"]))
