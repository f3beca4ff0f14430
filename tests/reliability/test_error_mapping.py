"""The one mapping, on exceptions the emulator cannot produce, and the tools' argument errors.

The emulator tests (``test_fault_matrix.py``) cover what comes through the real SDK and LangChain
stack; these table tests cover the other shapes the mapping promises to handle: LangChain model
errors raised without a genai cause, ``google.api_core`` errors (older stacks), bare httpx
errors, and key redaction.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import httpx2
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import ToolCall, ToolMessage

from langchain_gemini_vision import (
    AuthenticationError,
    ConnectionLostError,
    GeminiVisionError,
    GeminiVisionToolkit,
    InvalidRequestError,
    RateLimitError,
    RequestTimeoutError,
    ServiceUnavailableError,
)
from langchain_gemini_vision._core.error_mapping import CallContext, map_error, redact
from langchain_gemini_vision.tools import GeminiImageCaptionTool
from tests._offline import offline_llm

CONTEXT = CallContext(doing="caption images")
KEY = "AIza" + "SyMAPPING-CANARY-0123456789abcdefgh"


class ServiceUnavailable(Exception):
    """Shaped like ``google.api_core.exceptions.ServiceUnavailable`` (not installed here)."""

    code = 503
    message = "The service is currently unavailable."


ServiceUnavailable.__module__ = "google.api_core.exceptions"

CASES: list[tuple[str, BaseException, type[GeminiVisionError]]] = [
    ("lc rate limit", ModelRateLimitError("quota"), RateLimitError),
    ("lc auth", ModelAuthenticationError("bad key"), AuthenticationError),
    ("lc timeout", ModelTimeoutError("slow"), RequestTimeoutError),
    ("lc api", ModelAPIError("boom"), ServiceUnavailableError),
    ("lc context", ContextOverflowError("too many tokens"), InvalidRequestError),
    ("api_core 503", ServiceUnavailable(), ServiceUnavailableError),
    ("httpx connect", httpx.ConnectError("refused"), ConnectionLostError),
    ("httpx read timeout", httpx.ReadTimeout("slow"), RequestTimeoutError),
    ("httpx2 connect timeout", httpx2.ConnectTimeout("no route"), ConnectionLostError),
    ("httpx2 dropped", httpx2.RemoteProtocolError("disconnected"), ConnectionLostError),
    ("os reset", ConnectionResetError("reset by peer"), ConnectionLostError),
]


@pytest.mark.parametrize(("name", "exc", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_library_maps_to_one_class(
    name: str, exc: BaseException, expected: type[GeminiVisionError]
) -> None:
    mapped = map_error(exc, CONTEXT)
    assert type(mapped) is expected
    assert mapped is not None and mapped.what_to_do and str(mapped).endswith(mapped.what_to_do)
    assert "caption images" in str(mapped)


def test_a_wrapped_error_is_found_through_its_causes() -> None:
    try:
        try:
            raise httpx2.ReadTimeout("slow")
        except httpx2.ReadTimeout as inner:
            raise RuntimeError("wrapper") from inner
    except RuntimeError as outer:
        assert type(map_error(outer, CONTEXT)) is RequestTimeoutError


@pytest.mark.parametrize("exc", [ValueError("bug"), KeyError("bug"), AttributeError("bug")])
def test_bugs_are_not_mapped(exc: Exception) -> None:
    assert map_error(exc, CONTEXT) is None


def test_api_core_status_and_message_are_kept() -> None:
    mapped = map_error(ServiceUnavailable(), CONTEXT)
    assert mapped is not None and mapped.status == 503
    assert mapped.server_message == "The service is currently unavailable"


def test_keys_are_redacted_from_server_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "env-secret-value")
    text = f"GET /v1beta/files?key=abc123&alt=json failed for {KEY} (env-secret-value)"
    cleaned = redact(text)
    assert "abc123" not in cleaned and KEY not in cleaned and "env-secret-value" not in cleaned
    assert "alt=json" in cleaned
    mapped = map_error(httpx.ConnectError(text), CONTEXT)
    assert mapped is not None and KEY not in str(mapped) and KEY not in mapped.server_message


def test_wrong_arguments_from_the_model_come_back_as_a_message(tmp_path: Path) -> None:
    tool = GeminiImageCaptionTool(llm=offline_llm(), allowed_dirs=[tmp_path])
    call = ToolCall(name=tool.name, args={"images": 123}, id="1", type="tool_call")
    result = tool.invoke(call)
    assert isinstance(result, ToolMessage)
    assert "Invalid tool arguments" in str(result.content) and "images" in str(result.content)


def test_developer_mistakes_still_raise_at_construction() -> None:
    with pytest.raises(ValueError, match="Unknown tool name"):
        GeminiVisionToolkit(llm=offline_llm(), include=["gemini_nope"])
