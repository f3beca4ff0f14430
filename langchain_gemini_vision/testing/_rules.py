"""Scripted answers: what a test sees of a request, and the rules that answer it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: What the fake answers when no rule matches and no response schema was requested.
DEFAULT_TEXT = "This is a scripted answer from FakeGeminiServer."


@dataclass(frozen=True)
class MediaPart:
    """One media part of a generateContent request, as the fake understood it.

    Attributes:
        mime_type: The part's MIME type (the stored file's when ``fileData`` had none;
            ``"video/*"`` for a YouTube link without one).
        source: ``"inline"`` (inlineData), ``"file"`` (a file of this server), ``"youtube"``
            or ``"uri"`` (any other fileUri).
        data: Decoded inline bytes (None for file references).
        size_bytes: Inline byte count, or the referenced file's size when known.
        file_uri: ``fileData.fileUri`` as sent (None for inline data).
        file_name: ``files/<id>`` when the URI points at a file of this server.
        video_metadata: The sibling ``videoMetadata`` dict (camelCase, as sent), if any.
        duration_s: Full length of the video/audio in seconds, when known or estimated.
        image_size: ``(width, height)`` of an image whose header could be read.
        page_count: Pages of a PDF (counted in the bytes the fake kept), for token accounting.
    """

    mime_type: str
    source: str
    data: bytes | None = None
    size_bytes: int | None = None
    file_uri: str | None = None
    file_name: str | None = None
    video_metadata: dict[str, Any] | None = None
    duration_s: float | None = None
    image_size: tuple[int, int] | None = None
    page_count: int | None = None

    def matches(self, kind: str) -> bool:
        """True when this part matches ``kind``: a MIME prefix (``"image/"``) or ``"youtube"``."""
        if kind == "youtube":
            return self.source == "youtube"
        return self.mime_type.startswith(kind)


@dataclass(frozen=True)
class FunctionResult:
    """A ``functionResponse`` part sent back by the client (the result of a tool call).

    Attributes:
        name: The function's name.
        response: The ``response`` object as sent (LangChain wraps tool text as
            ``{"output": ...}`` or similar; see the raw body for details).
    """

    name: str
    response: dict[str, Any]


@dataclass(frozen=True)
class GenerateRequest:
    """A parsed generateContent / streamGenerateContent request.

    Attributes:
        model: Bare model name from the URL (``gemini-3.5-flash``).
        body: The raw JSON body.
        text: Every text part of ``contents`` joined with newlines.
        system_instruction: Text of ``systemInstruction``, if any.
        media: The media parts in request order.
        response_schema: ``generationConfig.responseJsonSchema`` (or ``responseSchema``).
        response_mime_type: ``generationConfig.responseMimeType``, if any.
        generation_config: ``generationConfig`` as sent (``{}`` when absent).
        stream: True for ``streamGenerateContent``.
        tool_names: Names of the functions declared in ``tools[].functionDeclarations``.
        function_responses: Every ``functionResponse`` part of ``contents``, in order.
    """

    model: str
    body: dict[str, Any]
    text: str
    system_instruction: str | None
    media: tuple[MediaPart, ...]
    response_schema: Any | None
    response_mime_type: str | None
    generation_config: dict[str, Any]
    stream: bool
    tool_names: tuple[str, ...] = ()
    function_responses: tuple[FunctionResult, ...] = ()

    @property
    def model_turns(self) -> int:
        """How many ``model`` turns the conversation so far holds (0 on a first request)."""
        contents = self.body.get("contents") or []
        return sum(1 for c in contents if isinstance(c, dict) and c.get("role") == "model")

    def has_media(self, kind: str) -> bool:
        """True when some media part matches ``kind`` (MIME prefix or ``"youtube"``)."""
        return any(part.matches(kind) for part in self.media)


@dataclass(frozen=True)
class Reply:
    """A full scripted answer, for ``handler=`` functions that need more than text.

    Attributes:
        text: Answer text (None: no ``content`` in the candidate, e.g. a SAFETY stop).
        finish_reason: ``STOP``, ``MAX_TOKENS``, ``SAFETY``, ``RECITATION``, ``OTHER``...
        block_reason: When set, the prompt is blocked: ``promptFeedback`` and no candidates.
        usage: Overrides merged into the computed ``usageMetadata`` (camelCase keys).
        error_status: When set, answer with this HTTP error instead (e.g. 400).
        error_message: Message for ``error_status`` (the status's default when None).
        function_calls: Tool calls the model makes, each ``{"name": ..., "args": {...}}``;
            answered as ``functionCall`` parts after the text (several = parallel calls).
    """

    text: str | None = None
    finish_reason: str = "STOP"
    block_reason: str | None = None
    usage: dict[str, Any] | None = None
    error_status: int | None = None
    error_message: str | None = None
    function_calls: tuple[dict[str, Any], ...] = ()


_UNSET: Any = object()


@dataclass
class Rule:
    """A scripted answer and the conditions under which it applies (see ``add_rule``).

    Attributes:
        calls: How many requests this rule answered.
    """

    text: str | None = None
    json_value: Any = _UNSET
    when: Callable[[GenerateRequest], bool] | None = None
    prompt_contains: str | None = None
    has_media: str | None = None
    has_schema: bool | None = None
    model: str | None = None
    finish_reason: str = "STOP"
    times: int | None = None
    handler: Callable[[GenerateRequest], Any] | None = None
    block_reason: str | None = None
    usage: dict[str, Any] | None = None
    latency_s: float = 0.0
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def remaining(self) -> int | None:
        """Answers left (None: unlimited)."""
        return None if self.times is None else max(0, self.times - self.calls)

    def matches(self, req: GenerateRequest) -> bool:
        """True when every configured condition holds for ``req`` and uses remain."""
        if self.remaining == 0:
            return False
        if self.model is not None and req.model != self.model:
            return False
        if self.prompt_contains is not None and self.prompt_contains.lower() not in (
            req.text.lower()
        ):
            return False
        if self.has_media is not None and not req.has_media(self.has_media):
            return False
        if self.has_schema is not None and (req.response_schema is not None) != self.has_schema:
            return False
        return self.when is None or bool(self.when(req))

    def claim(self, req: GenerateRequest) -> bool:
        """Atomically check ``matches`` and count the use (so ``times`` holds under concurrency)."""
        with self._lock:
            if not self.matches(req):
                return False
            self.calls += 1
            return True

    def reply(self, req: GenerateRequest) -> Reply:
        """Produce the answer for ``req`` (runs ``handler`` when there is one)."""
        if self.handler is not None:
            return to_reply(self.handler(req), self)
        if self.json_value is not _UNSET:
            return to_reply(_dump(self.json_value), self)
        if self.text is None and self.block_reason is None and self.finish_reason == "STOP":
            return default_reply(req)
        return to_reply(self.text, self)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def to_reply(value: Any, rule: Rule | None = None) -> Reply:
    """Turn a handler's result (``Reply``, text, or any JSON value) into a ``Reply``."""
    if isinstance(value, Reply):
        return value
    text = value if isinstance(value, str) or value is None else _dump(value)
    if rule is None:
        return Reply(text=text)
    return Reply(
        text=text,
        finish_reason=rule.finish_reason,
        block_reason=rule.block_reason,
        usage=rule.usage,
    )


def default_reply(req: GenerateRequest) -> Reply:
    """The answer when no rule matches: a minimal valid instance of the schema, or a sentence."""
    if req.response_schema is not None:
        return Reply(text=_dump(example_from_schema(req.response_schema)))
    return Reply(text=DEFAULT_TEXT)


def example_from_schema(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A small value valid against a JSON Schema / OpenAPI-style ``responseSchema``.

    Enough for structured-output clients to parse the fake's default answer: required
    properties are filled, arrays hold ``minItems`` items, enums take their first value.
    """
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > 20:
        return None
    if "$ref" in schema:
        return example_from_schema(_resolve_ref(root, str(schema["$ref"])), root, depth + 1)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key) or schema.get(key.lower())
        if options:
            return example_from_schema(options[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = str(kind or ("object" if "properties" in schema else "string")).lower()
    if kind == "object":
        props: dict[str, Any] = schema.get("properties") or {}
        required = schema.get("required")
        names = list(props) if required is None else [n for n in props if n in required]
        return {name: example_from_schema(props[name], root, depth + 1) for name in names}
    if kind == "array":
        count = int(schema.get("minItems", schema.get("min_items", 0)) or 0)
        item = schema.get("items", {})
        return [example_from_schema(item, root, depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return ""


def _resolve_ref(root: Any, ref: str) -> Any:
    node = root
    for key in ref.lstrip("#/").split("/"):
        if not isinstance(node, dict) or key not in node:
            return {}
        node = node[key]
    return node
