"""Turn a LangChain ``AIMessage`` from Gemini into text, usage and a finish state (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_gemini_vision.errors import ResponseBlockedError
from langchain_gemini_vision.types import TokenUsage

# Finish reasons that mean "the model refused"; MAX_TOKENS is a truncation, handled by callers.
BLOCKING_FINISH_REASONS = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}
)


@dataclass(frozen=True)
class ModelReply:
    """What a capability needs from one model call."""

    text: str
    model: str
    usage: TokenUsage
    finish_reason: str
    block_reason: str | None

    @property
    def truncated(self) -> bool:
        """Whether the answer was cut off by the output token limit."""
        return self.finish_reason == "MAX_TOKENS"


def message_text(message: BaseMessage) -> str:
    """Concatenate the text parts of a message (thought parts are skipped)."""
    content: Any = message.content
    if isinstance(content, str):
        return content
    pieces: list[str] = []
    for block in content or []:
        if isinstance(block, str):
            pieces.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            pieces.append(str(block.get("text", "")))
    return "".join(pieces)


def usage_of(message: BaseMessage) -> TokenUsage:
    """Token usage reported on a message (zeros when the API gave none)."""
    usage: Any = getattr(message, "usage_metadata", None) or {}
    details: Any = usage.get("output_token_details") or {}
    inputs: Any = usage.get("input_token_details") or {}
    return TokenUsage(
        input_tokens=int(usage.get("input_tokens", 0) or 0),
        output_tokens=int(usage.get("output_tokens", 0) or 0),
        total_tokens=int(usage.get("total_tokens", 0) or 0),
        reasoning_tokens=int(details.get("reasoning", 0) or 0),
        cached_tokens=int(inputs.get("cache_read", 0) or 0),
    )


def read_reply(message: BaseMessage, *, fallback_model: str = "") -> ModelReply:
    """Extract text, usage, model and finish state from a chat model reply.

    Raises:
        ResponseBlockedError: The prompt was blocked or the answer was withheld for safety.
    """
    meta: dict[str, Any] = dict(message.response_metadata or {})
    finish = str(meta.get("finish_reason") or "")
    feedback: Any = meta.get("prompt_feedback") or {}
    block = feedback.get("block_reason") if isinstance(feedback, dict) else None
    block_name = getattr(block, "name", None) or (str(block) if block else None)
    if block_name in ("0", "BLOCKED_REASON_UNSPECIFIED"):
        block_name = None
    text = message_text(message)
    if block_name:
        raise ResponseBlockedError(
            f"Gemini blocked the request ({block_name}). Rephrase the prompt or use different "
            "media; safety settings can be relaxed with "
            "ChatGoogleGenerativeAI(safety_settings=...).",
            reason=block_name,
        )
    if finish in BLOCKING_FINISH_REASONS and not text.strip():
        raise ResponseBlockedError(
            f"Gemini withheld its answer (finish reason {finish}). Rephrase the prompt or try "
            "other media.",
            reason=finish,
        )
    model = str(meta.get("model_name") or fallback_model)
    return ModelReply(
        text=text,
        model=model,
        usage=usage_of(message),
        finish_reason=finish,
        block_reason=None,
    )
