"""A LangChain agent whose vision tool meets a failing service still finishes its run.

The agent's own model (``gemini-3.5-flash``) is scripted to call ``gemini_caption_image`` and
then to answer from what the tool returned; the tool's model (``gemini-2.5-flash``) is the one
the faults hit. Before this package mapped generation errors, a 503 there escaped the tool
untyped and ``create_agent(...).invoke`` died.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from langchain_gemini_vision import GeminiVisionToolkit, RetryPolicy, generation_retries
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing._agent import ToolCall, has_tools, scripted_tool_calls
from langchain_gemini_vision.testing._rules import FunctionResult
from langchain_gemini_vision.testing.samples import make_png
from tests.files.conftest import FakeTime

TOOL_MODEL = "gemini-2.5-flash"
TOOL_PATH = f"models/{TOOL_MODEL}:generateContent"

# fault -> (a phrase the tool's error result and the agent's final answer must hold, waits)
FAULTS: dict[str, tuple[str, list[float]]] = {
    "503": ("is unavailable", [0.5]),
    "429": ("rate limit", [2.0]),
    "400": ("refused the request", []),
    "drop": ("connection to Gemini failed", [0.5]),
    "timeout": ("No answer from Gemini in time", [0.5]),
}


def _final(results: Sequence[FunctionResult]) -> str:
    outputs = [str(r.response.get("output", r.response)) for r in results]
    return "I could not look at the image. The vision tool said: " + " | ".join(outputs)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGeminiServer, Any, Path]]:
    folder = tmp_path_factory.mktemp("agent")
    image = folder / "scene.png"
    image.write_bytes(make_png(32, 24))
    with FakeGeminiServer() as server:
        tool_llm = server.llm(model=TOOL_MODEL, max_retries=1, timeout=0.3)
        toolkit = GeminiVisionToolkit(
            llm=tool_llm,
            allowed_dirs=[folder],
            include=["gemini_caption_image"],
            retry_policy=RetryPolicy(attempts=2, jitter=0.0),
        )
        yield server, create_agent(server.llm(max_retries=1), tools=toolkit.get_tools()), image


@pytest.fixture
def agent_server(world: tuple[FakeGeminiServer, Any, Path]) -> tuple[FakeGeminiServer, Any]:
    server, agent, image = world
    server.reset()
    server.add_rule(
        when=has_tools,
        handler=scripted_tool_calls(
            [ToolCall("gemini_caption_image", {"images": [str(image)]})], final=_final
        ),
    )
    return server, agent


def _inject(server: FakeGeminiServer, fault: str) -> None:
    if fault == "drop":
        server.drop_connections(times=10, path_contains=TOOL_PATH)
    elif fault == "timeout":
        server.add_rule(model=TOOL_MODEL, text="late", latency_s=1.0, times=10)
    elif fault == "429":
        server.inject_fault(429, times=10, path_contains=TOOL_PATH, retry_delay_s=2)
    else:
        server.inject_fault(int(fault), times=10, path_contains=TOOL_PATH)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_agent_finishes_and_explains_a_failing_tool(
    agent_server: tuple[FakeGeminiServer, Any], fault: str, mode: str
) -> None:
    server, agent = agent_server
    _inject(server, fault)
    phrase, expected_waits = FAULTS[fault]
    waits = FakeTime()
    task = {"messages": [("user", "Describe scene.png.")]}
    # The policy set around the agent reaches the tool (only the waits are swapped here).
    with generation_retries(RetryPolicy(attempts=2, jitter=0.0), sleep=waits.sleep,
                            asleep=waits.asleep):  # fmt: skip
        result = agent.invoke(task) if mode == "sync" else await agent.ainvoke(task)
    messages: list[BaseMessage] = result["messages"]

    (tool_message,) = [m for m in messages if isinstance(m, ToolMessage)]
    assert tool_message.status == "error"
    assert phrase in tool_message.content
    assert "Traceback" not in tool_message.content
    final = messages[-1]
    assert isinstance(final, AIMessage) and not final.tool_calls
    assert "could not look at the image" in final.text and phrase in final.text
    assert waits.sleeps == expected_waits
    tool_requests = [r for r in server.requests if TOOL_PATH in r.path]
    assert len(tool_requests) == (1 if fault == "400" else 2)
