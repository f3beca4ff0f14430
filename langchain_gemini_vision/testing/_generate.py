"""generateContent: the request envelope validated like the live API, and parsed.

Contents, roles, the part oneof, system instruction, generation config and tools are checked here;
media parts are checked by ``_media_parts`` and token accounting lives in ``_tokens``. ``_camel``,
``prompt_tokens`` and ``text_tokens`` are re-exported (``X as X``) because ``_generate_api`` and
``_caches`` import them from here.
"""

from __future__ import annotations

from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._media_parts import (
    FileResolver,
    _file_part,
    _inline_part,
    _Options,
    _video_metadata,
)
from langchain_gemini_vision.testing._proto_json import _camel as _camel
from langchain_gemini_vision.testing._proto_json import _first, _normalise
from langchain_gemini_vision.testing._rules import FunctionResult, GenerateRequest, MediaPart
from langchain_gemini_vision.testing._tokens import prompt_tokens as prompt_tokens
from langchain_gemini_vision.testing._tokens import text_tokens as text_tokens

# Fields of GenerateContentRequest. The API parses proto JSON, which accepts both the
# lowerCamel JSON name and the original snake_case name of every field.
_TOP_LEVEL = {
    "contents",
    "model",
    "systemInstruction",
    "generationConfig",
    "safetySettings",
    "tools",
    "toolConfig",
    "cachedContent",
    "labels",
    "serviceTier",
    "store",
    "continuationToken",
}
_CONTENT_FIELDS = {"parts", "role"}
# Part's oneof ``data``: exactly one must be set.
_PART_DATA = {
    "text",
    "inlineData",
    "fileData",
    "functionCall",
    "functionResponse",
    "executableCode",
    "codeExecutionResult",
    "toolCall",
    "toolResponse",
}
_PART_OTHER = {
    "videoMetadata",
    "thought",
    "thoughtSignature",
    "mediaResolution",
    "partMetadata",
    "audioMetadata",
    "speechMetadata",
    "mediaProcessing",
    "documentMetadata",
    "spreadsheetMetadata",
    "audioTranscription",
}
_ROLES = {"user", "model"}


def _oneof_missing(path: str) -> _wire.ApiError:
    return _wire.invalid_argument(
        f"* GenerateContentRequest.{path}.data: required oneof field 'data' must have one "
        "initialized field\n"
    )


def parse_request(
    body: Any,
    *,
    model: str,
    stream: bool,
    resolve_file: FileResolver | None,
    youtube_duration_s: float,
    keep_inline: bool = True,
    check_state: bool = True,
) -> GenerateRequest:
    """Validate ``body`` like the live API and return the parsed request.

    Args:
        body: The decoded JSON body.
        model: Bare model name from the URL.
        stream: Whether this is streamGenerateContent.
        resolve_file: Looks up ``files/<id>`` ids of this server (raising the API's error for
            missing/foreign files). None skips file lookups.
        youtube_duration_s: Assumed length of YouTube videos, for token accounting.
        keep_inline: Keep decoded inline bytes on ``MediaPart.data``.
        check_state: Reject files that are not ACTIVE (off when re-parsing the request log).

    Raises:
        ApiError: The request would be rejected by the live API.
    """
    if not isinstance(body, dict):
        raise _wire.invalid_argument("Invalid JSON payload received. Expected an object.")
    top = _normalise(body, _TOP_LEVEL, None)
    contents = top.get("contents")
    if not contents:
        raise _wire.invalid_argument(
            "* GenerateContentRequest.contents: contents is not specified\n"
        )
    if not isinstance(contents, list):
        raise _wire.invalid_argument(
            'Invalid JSON payload received. Unknown name "contents": Proto field is not '
            "repeating, cannot start list."
        )
    opts = _Options(resolve_file, youtube_duration_s, keep_inline, check_state)
    texts: list[str] = []
    media: list[MediaPart] = []
    for ci, content in enumerate(contents):
        _parse_content(content, f"contents[{ci}]", texts, media, opts)

    system_text: str | None = None
    system = top.get("systemInstruction")
    if system is not None:
        sys_texts: list[str] = []
        _parse_content(system, "system_instruction", sys_texts, [], opts)
        system_text = "\n".join(sys_texts)

    config = top.get("generationConfig") or {}
    if not isinstance(config, dict):
        raise _wire.invalid_argument("Invalid value at 'generation_config'")
    schema = _first(config, "responseJsonSchema", "response_json_schema", "_responseJsonSchema")
    if schema is None:
        schema = _first(config, "responseSchema", "response_schema")
    mime = _first(config, "responseMimeType", "response_mime_type")
    return GenerateRequest(
        model=model,
        body=body,
        text="\n".join(texts),
        system_instruction=system_text,
        media=tuple(media),
        response_schema=schema,
        response_mime_type=mime,
        generation_config=dict(config),
        stream=stream,
        tool_names=_tool_names(top.get("tools")),
        function_responses=_function_responses(contents),
    )


def _tool_names(tools: Any) -> tuple[str, ...]:
    """Names of the declared functions (``tools[].functionDeclarations[].name``)."""
    names: list[str] = []
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict):
            decls = _first(tool, "functionDeclarations", "function_declarations") or []
            names.extend(str(d.get("name", "")) for d in decls if isinstance(d, dict))
    return tuple(names)


def _function_responses(contents: list[Any]) -> tuple[FunctionResult, ...]:
    """Every ``functionResponse`` part (already validated by ``_parse_content``)."""
    out: list[FunctionResult] = []
    for content in contents:
        for part in content.get("parts") or []:
            value = _first(part, "functionResponse", "function_response")
            if isinstance(value, dict):
                response = value.get("response")
                out.append(
                    FunctionResult(
                        name=str(value.get("name", "")),
                        response=response if isinstance(response, dict) else {},
                    )
                )
    return tuple(out)


def _parse_content(
    content: Any,
    path: str,
    texts: list[str],
    media: list[MediaPart],
    opts: _Options,
) -> None:
    if not isinstance(content, dict):
        raise _wire.invalid_argument(f"Invalid value at '{path}', expected an object")
    content = _normalise(content, _CONTENT_FIELDS, path)
    role = content.get("role")
    if role not in (None, "", *_ROLES):
        raise _wire.invalid_argument("Please use a valid role: user, model.")
    parts = content.get("parts")
    if not parts or not isinstance(parts, list):
        raise _wire.invalid_argument(
            f"* GenerateContentRequest.{path}.parts: contents.parts must not be empty.\n"
        )
    for pi, raw in enumerate(parts):
        ppath = f"{path}.parts[{pi}]"
        if not isinstance(raw, dict):
            raise _wire.invalid_argument(f"Invalid value at '{ppath}', expected an object")
        part = _normalise(raw, _PART_DATA | _PART_OTHER, ppath)
        data_keys = [k for k in part if k in _PART_DATA]
        if not data_keys:
            raise _oneof_missing(ppath)
        if len(data_keys) > 1:
            raise _wire.invalid_argument(
                f"Invalid value at '{ppath}' (oneof), oneof field 'data' is already set. "
                f"Cannot set '{data_keys[1]}'"
            )
        video_metadata = _video_metadata(part.get("videoMetadata"), ppath)
        if "text" in part:
            if not isinstance(part["text"], str):
                raise _wire.invalid_argument(f"Invalid value at '{ppath}.text' (TYPE_STRING)")
            texts.append(part["text"])
        elif "inlineData" in part:
            media.append(_inline_part(part["inlineData"], ppath, video_metadata, opts.keep_inline))
        elif "fileData" in part:
            media.append(_file_part(part["fileData"], ppath, video_metadata, opts))
