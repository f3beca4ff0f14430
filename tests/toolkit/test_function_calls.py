"""FakeGeminiServer's tool calling, checked on the wire and through ChatGoogleGenerativeAI."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_gemini_vision.testing import (
    FakeGeminiServer,
    Reply,
    ToolCall,
    has_tools,
    scripted_tool_calls,
)


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_function_call_reply_has_the_live_wire_shape(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(
        handler=lambda req: Reply(
            text="Adding.", function_calls=({"name": "add", "args": {"a": 2, "b": 3}},)
        )
    )
    message = fake_server.llm().bind_tools([add]).invoke("what is 2 + 3?")
    assert message.tool_calls[0]["name"] == "add"
    assert message.tool_calls[0]["args"] == {"a": 2, "b": 3}
    (entry,) = [r for r in fake_server.requests if r.path.endswith(":generateContent")]
    candidate = entry.response_json["candidates"][0]
    assert candidate["content"]["role"] == "model"
    assert candidate["content"]["parts"] == [
        {"text": "Adding."},
        {"functionCall": {"name": "add", "args": {"a": 2, "b": 3}}},
    ]
    assert candidate["finishReason"] == "STOP"
    assert entry.response_json["usageMetadata"]["candidatesTokenCount"] > 0


def test_streamed_function_calls_arrive_in_the_last_event(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(
        handler=lambda req: Reply(function_calls=({"name": "add", "args": {"a": 1, "b": 1}},))
    )
    chunks = list(fake_server.llm().bind_tools([add]).stream("1 + 1?"))
    calls = [c for chunk in chunks for c in chunk.tool_call_chunks]
    assert [c["name"] for c in calls] == ["add"]


def test_scripted_turns_and_function_responses(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(
        when=has_tools,
        handler=scripted_tool_calls(
            [ToolCall("add", {"a": 2, "b": 3})],
            final=lambda results: f"The sum is {results[0].response['output']}.",
        ),
    )
    llm = fake_server.llm().bind_tools([add])
    first = llm.invoke("2 + 3?")
    call = first.tool_calls[0]
    reply = ToolMessage(content=str(add.invoke(call["args"])), tool_call_id=call["id"], name="add")
    second = llm.invoke([HumanMessage("2 + 3?"), first, reply])
    assert second.text == "The sum is 5."
    last = fake_server.generate_requests()[-1]
    assert last.model_turns == 1
    assert [(r.name, r.response) for r in last.function_responses] == [("add", {"output": 5})]
    assert last.tool_names == ("add",)


def test_script_refuses_to_call_an_undeclared_tool(fake_server: FakeGeminiServer) -> None:
    fake_server.add_rule(handler=scripted_tool_calls([ToolCall("delete_everything")], final="x"))
    llm = fake_server.llm(max_retries=1).bind_tools([add])
    with pytest.raises(Exception, match="undeclared tool"):
        llm.invoke("hi")
