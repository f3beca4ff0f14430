"""A chat model for tests that must never reach a server (the standard unit suites)."""

from __future__ import annotations

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import build_llm

UNREACHABLE = "http://127.0.0.1:9"
"""The discard port: nothing listens there, so an accidental request fails at once."""


def offline_llm(**kwargs: object) -> ChatGoogleGenerativeAI:
    """A model with a fake key pointed at :data:`UNREACHABLE`."""
    options: dict[str, object] = {"api_key": "unit-test-key", "base_url": UNREACHABLE}
    options.update(kwargs)
    return build_llm(**options)  # type: ignore[arg-type]  # keys are build_llm's parameters
