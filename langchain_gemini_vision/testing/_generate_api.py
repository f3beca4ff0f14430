"""The fake server's model endpoints: models.get, countTokens, generateContent and its stream.

``FakeGeminiServer`` inherits these private methods; its dispatch calls them after authentication
and routing. Requests are validated and parsed by ``_generate``, answered by the first matching
rule (``_rules``), and rendered in the live API's shapes: one JSON object, a streamed JSON array,
or server-sent events.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._files import FileStore
from langchain_gemini_vision.testing._generate import parse_request, prompt_tokens, text_tokens
from langchain_gemini_vision.testing._http import Response
from langchain_gemini_vision.testing._rules import GenerateRequest, Reply, Rule, default_reply

#: The model methods answered with generated content.
GENERATE_METHODS = {"generateContent", "streamGenerateContent"}
_MODEL_PREFIXES = ("gemini-", "gemma-")


class GenerateApiMixin:
    """The model endpoints of ``FakeGeminiServer``."""

    # Provided by FakeGeminiServer.
    _lock: threading.RLock
    _rules: list[Rule]
    _store: FileStore
    unknown_models: set[str]
    youtube_duration_s: float
    model_version: str | None

    def _check_model(self, model: str, version: str, method: str) -> None:
        if model in self.unknown_models or not model.startswith(_MODEL_PREFIXES):
            raise _wire.model_not_found(model, version, method)

    def _model_resource(self, model: str, version: str) -> dict[str, Any]:
        self._check_model(model, version, "get")
        return {
            "name": f"models/{model}",
            "version": "001",
            "displayName": model,
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }

    def _model_method(
        self, model: str, version: str, method: str, body: Any, query: dict[str, str]
    ) -> Response:
        if method == "countTokens":
            self._check_model(model, version, method)
            inner = body.get("generateContentRequest") if isinstance(body, dict) else None
            if isinstance(inner, dict):
                inner = {k: v for k, v in inner.items() if k != "model"}
            req = self._parse(inner if inner is not None else body, model, stream=False)
            counts = prompt_tokens(req)
            return Response.of_json(
                {
                    "totalTokens": sum(counts.values()),
                    "promptTokensDetails": [
                        {"modality": m, "tokenCount": n} for m, n in counts.items()
                    ],
                }
            )
        if method not in GENERATE_METHODS:
            raise _wire.ApiError(404, f"Method not found: models/{model}:{method}")
        self._check_model(model, version, method)
        stream = method == "streamGenerateContent"
        req = self._parse(body, model, stream=stream)
        reply, latency = self._answer(req)
        if latency > 0:
            time.sleep(latency)
        if reply.error_status is not None:
            raise _wire.ApiError(reply.error_status, reply.error_message)
        return self._render(req, reply, sse=stream and query.get("alt") == "sse")

    def _parse(self, body: Any, model: str, *, stream: bool) -> GenerateRequest:
        return parse_request(
            body,
            model=model,
            stream=stream,
            resolve_file=self._store.lookup,
            youtube_duration_s=self.youtube_duration_s,
        )

    def _answer(self, req: GenerateRequest) -> tuple[Reply, float]:
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule.claim(req):
                return rule.reply(req), rule.latency_s
        return default_reply(req), 0.0

    def _render(self, req: GenerateRequest, reply: Reply, *, sse: bool) -> Response:
        prompt = prompt_tokens(req)
        text = None if reply.block_reason else reply.text
        calls = () if reply.block_reason else reply.function_calls
        # Function calls cost output tokens too (about their JSON's length / 4).
        calls_tokens = text_tokens(json.dumps(list(calls))) if calls else 0
        response_id = secrets.token_urlsafe(16)[:22]
        version = self.model_version or req.model
        if not req.stream:
            out_tokens = (
                text_tokens(text or "") + calls_tokens if text is not None or calls else None
            )
            usage = _wire.usage_metadata(prompt, out_tokens, reply.usage)
            return Response.of_json(
                _wire.generate_response(
                    text=text,
                    finish_reason=reply.finish_reason,
                    block_reason=reply.block_reason,
                    usage=usage,
                    model_version=version,
                    response_id=response_id,
                    function_calls=calls,
                )
            )
        events: list[dict[str, Any]] = []
        pieces = [None] if text is None else _wire.split_for_stream(text)
        sent = ""
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            sent += piece or ""
            has_output = text is not None or bool(calls)
            usage = _wire.usage_metadata(
                prompt,
                text_tokens(sent) + (calls_tokens if last else 0) if has_output else None,
                reply.usage if last else None,
            )
            events.append(
                _wire.generate_response(
                    text=piece,
                    finish_reason=reply.finish_reason if last else "",
                    block_reason=reply.block_reason,
                    usage=usage,
                    model_version=version,
                    response_id=response_id,
                    function_calls=calls if last else (),
                )
            )
        if not sse:
            # Without alt=sse the API streams one JSON array.
            return Response.of_json(events)
        chunks = [
            b"data: " + json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\r\n\r\n"
            for event in events
        ]
        return Response(headers={"Content-Type": "text/event-stream"}, chunks=chunks, json=events)
