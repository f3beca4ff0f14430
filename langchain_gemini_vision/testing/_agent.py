"""Scripted tool-calling turns, so a real LangChain agent can run against FakeGeminiServer.

A tool-calling agent sends the same conversation again after every tool round, with the model's
``functionCall`` parts and the client's ``functionResponse`` parts appended. The script below picks
its next move from how many model turns the conversation already holds, so it needs no state of
its own and works for any number of concurrent agents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_gemini_vision.testing._rules import FunctionResult, GenerateRequest, Reply

FinalAnswer = str | Callable[[Sequence[FunctionResult]], str]
"""The closing text, or a function of every tool result received so far that writes it."""


@dataclass(frozen=True)
class ToolCall:
    """One call the scripted model makes: a tool name and its arguments."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        """``{"name", "args"}`` as in a ``functionCall`` part."""
        return {"name": self.name, "args": dict(self.args)}


Step = ToolCall | Sequence[ToolCall]
"""One model turn: a single call, or several calls made in parallel."""


def scripted_tool_calls(
    steps: Sequence[Step], final: FinalAnswer, *, preamble: str | None = None
) -> Callable[[GenerateRequest], Reply]:
    """A rule handler that plays ``steps`` turn by turn, then answers ``final``.

    Use it with ``when=`` so only agent requests (those that declare tools) reach it::

        server.add_rule(
            when=lambda req: bool(req.tool_names),
            handler=scripted_tool_calls(
                [ToolCall("gemini_caption_image", {"images": ["scene.png"]})],
                final=lambda results: f"Done after {len(results)} tool call(s).",
            ),
        )

    Args:
        steps: The model turns in order; each is one ``ToolCall`` or a list of parallel calls.
        final: The last answer, as text or built from the tool results (``FunctionResult``).
        preamble: Optional text sent alongside the first tool call (models often "think aloud").

    Returns:
        A handler for ``FakeGeminiServer.add_rule(handler=...)``.
    """
    turns = [[step] if isinstance(step, ToolCall) else list(step) for step in steps]

    def handle(req: GenerateRequest) -> Reply:
        turn = req.model_turns
        if turn < len(turns):
            missing = [
                c.name for c in turns[turn] if req.tool_names and c.name not in req.tool_names
            ]
            if missing:
                # A real model cannot call a tool that was not declared; fail loudly instead.
                return Reply(
                    error_status=400,
                    error_message=f"The script calls undeclared tool(s) {missing}; declared: "
                    f"{list(req.tool_names)}.",
                )
            text = preamble if turn == 0 else None
            return Reply(text=text, function_calls=tuple(c.to_wire() for c in turns[turn]))
        answer = final(req.function_responses) if callable(final) else final
        return Reply(text=answer)

    return handle


def has_tools(req: GenerateRequest) -> bool:
    """Rule condition: the request declares functions (it comes from an agent, not a capability)."""
    return bool(req.tool_names)
