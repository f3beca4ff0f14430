"""An agent that chains Gemini vision tools with a non-vision tool (a unit converter).

Run: ``python examples/agent.py``. With GOOGLE_API_KEY set it calls the live Gemini API; without
it, a local FakeGeminiServer plays the model (including its tool calls) from a script, and the first
line of output says so. Either way the tools, LangChain's ``create_agent`` loop and the HTTP traffic
are real.

Live note: the bundled sample video declares 95 s but has no real frames, so a live model may find
nothing to transcribe; the agent then gets the tool's error text and carries on.
"""

from __future__ import annotations

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool

from langchain_gemini_vision import GeminiVisionToolkit
from langchain_gemini_vision.testing.demo import AGENT_TASK, demo_session

# Units per base unit: seconds, metres, kilograms.
UNITS: dict[str, tuple[str, float]] = {
    "s": ("time", 1.0), "min": ("time", 60.0), "h": ("time", 3600.0),
    "mm": ("length", 0.001), "cm": ("length", 0.01), "m": ("length", 1.0),
    "km": ("length", 1000.0), "in": ("length", 0.0254), "ft": ("length", 0.3048),
    "mi": ("length", 1609.344), "g": ("mass", 0.001), "kg": ("mass", 1.0),
    "lb": ("mass", 0.45359237), "oz": ("mass", 0.028349523125),
}  # fmt: skip


@tool
def convert_units(value: float, from_unit: str, to_unit: str) -> str:
    """Convert a quantity between units of time (s, min, h), length (mm, cm, m, km, in, ft, mi)
    or mass (g, kg, lb, oz). Example: value=95, from_unit='s', to_unit='min'."""
    try:
        (kind_a, factor_a), (kind_b, factor_b) = UNITS[from_unit], UNITS[to_unit]
    except KeyError as exc:
        return f"Unknown unit {exc.args[0]!r}; known units: {', '.join(UNITS)}."
    if kind_a != kind_b:
        return f"Cannot convert {kind_a} ({from_unit}) to {kind_b} ({to_unit})."
    return f"{value:g} {from_unit} = {value * factor_a / factor_b:.4g} {to_unit}"


def main() -> None:
    with demo_session() as session:
        print(session.banner, flush=True)
        samples = session.samples
        toolkit = GeminiVisionToolkit(
            llm=session.llm,
            allowed_dirs=[samples.folder],  # the model may read these files and nothing else
            output_dir=samples.folder / "annotated",
        )
        agent = create_agent(
            session.llm,
            tools=[*toolkit.get_tools(), convert_units],
            system_prompt="You are a helpful assistant. Use the tools; cite [MM:SS] times.",
        )
        task = AGENT_TASK.format(url=samples.youtube_url)
        print(f"\nUser: {task}\n")
        result = agent.invoke({"messages": [("user", task)]})
        for message in result["messages"][1:]:
            if isinstance(message, AIMessage) and message.tool_calls:
                for call in message.tool_calls:
                    print(f"-> model calls {call['name']}({call['args']})")
            elif isinstance(message, ToolMessage):
                first = message.text.splitlines()[0] if message.text else ""
                artifact = message.artifact
                keys = f"  [artifact: {', '.join(sorted(artifact))}]" if artifact else ""
                print(f"<- {message.name}: {first[:110]}{keys}")
        print(f"\nAgent: {result['messages'][-1].text}")


if __name__ == "__main__":
    main()
