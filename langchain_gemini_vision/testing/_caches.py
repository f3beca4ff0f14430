"""Context caching of the fake server: ``cachedContents`` and ``cachedContent`` in generate calls.

Wire format as in GEMINI-FACTS ("Context caching"): create/get/list/patch (``ttl`` or
``expireTime`` only)/delete; a cache under the model's minimum token count is refused with the
live API's "Cached content is too small ... min_total_token_count=N" 400; a generate request that
names a cache may not also send ``systemInstruction``, ``tools`` or ``toolConfig``, and its
``usageMetadata`` reports ``cachedContentTokenCount`` (included in ``promptTokenCount``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._batch_records import page_json
from langchain_gemini_vision.testing._files import new_file_id
from langchain_gemini_vision.testing._generate import _camel, prompt_tokens
from langchain_gemini_vision.testing._http import Response
from langchain_gemini_vision.testing._rules import GenerateRequest

#: The default lifetime of a cache (GEMINI-FACTS: 1 h).
DEFAULT_CACHE_TTL = timedelta(hours=1)
_VERSION = r"(?P<version>v1beta|v1alpha|v1)"
_CACHES_RE = re.compile(rf"^/{_VERSION}/cachedContents$")
_CACHE_RE = re.compile(rf"^/{_VERSION}/cachedContents/(?P<id>[^/:]+)$")
_GENERATE_RE = re.compile(
    rf"^/{_VERSION}/models/(?P<model>[^/:]+):(?P<method>generateContent|streamGenerateContent)$"
)
_CREATE_FIELDS = {
    "model",
    "displayName",
    "contents",
    "systemInstruction",
    "tools",
    "toolConfig",
    "ttl",
    "expireTime",
}
_FORBIDDEN_WITH_CACHE = (
    "systemInstruction",
    "system_instruction",
    "tools",
    "toolConfig",
    "tool_config",
)


@dataclass
class CacheRecord:
    """One cached content as the fake stores it.

    Attributes:
        name: ``cachedContents/<id>``.
        model: Bare model name.
        token_count: ``usageMetadata.totalTokenCount`` (counted like a prompt).
        body: The cached fields as sent (camelCase): contents, systemInstruction, tools...
    """

    name: str
    model: str
    display_name: str | None
    token_count: int
    body: dict[str, Any]
    create_time: datetime
    update_time: datetime
    expire_time: datetime

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "model": f"models/{self.model}"}
        if self.display_name is not None:
            out["displayName"] = self.display_name
        out["createTime"] = _wire.format_time(self.create_time)
        out["updateTime"] = _wire.format_time(self.update_time)
        out["expireTime"] = _wire.format_time(self.expire_time)
        out["usageMetadata"] = {"totalTokenCount": self.token_count}
        return out


@dataclass
class _CacheState:
    caches: dict[str, CacheRecord] = field(default_factory=dict)


class CacheApiMixin:
    """The ``cachedContents`` endpoints of ``FakeGeminiServer``.

    Attributes:
        cache_min_tokens: The minimum ``total_token_count`` of a cache, per model name, with
            ``"*"`` for every other model (minimums differ by model on the live API).
    """

    # Read-only at class level: assign a new mapping on an instance to change it.
    cache_min_tokens: Mapping[str, int] = MappingProxyType({"*": 1024})

    # Provided by FakeGeminiServer and its other mixins.
    _lock: threading.RLock
    now: Callable[[], datetime]
    _check_model: Callable[[str, str, str], None]
    _parse: Callable[..., GenerateRequest]
    _model_method: Callable[..., Response]

    @property
    def cached_contents(self) -> dict[str, CacheRecord]:
        """Live caches by name (expired ones are dropped when next touched)."""
        state: _CacheState | None = self.__dict__.get("_cache_state_obj")
        if state is None:
            state = self.__dict__.setdefault("_cache_state_obj", _CacheState())
        return state.caches

    def _route_caches(
        self, method: str, path: str, body: Any, query: dict[str, str]
    ) -> Response | None:
        """Answer a cachedContents request or a generate call naming a cache; else None."""
        if _CACHES_RE.match(path):
            if method == "POST":
                return Response.of_json(self._create_cache(body).to_json())
            if method == "GET":
                return Response.of_json(self._list_caches(query))
        if m := _CACHE_RE.match(path):
            record = self._cache(m["id"])
            if method == "GET":
                return Response.of_json(record.to_json())
            if method == "PATCH":
                return Response.of_json(self._update_cache(record, body).to_json())
            if method == "DELETE":
                with self._lock:
                    self.cached_contents.pop(record.name, None)
                return Response.of_json({})
        m = _GENERATE_RE.match(path)
        if m and method == "POST" and isinstance(body, dict) and _cache_name(body):
            expanded, cached = self._expand_cached(body, m["model"])
            answer = self._model_method(m["model"], m["version"], m["method"], expanded, query)
            return _with_cached_usage(answer, cached)
        return None

    def _cache(self, cache_id: str) -> CacheRecord:
        with self._lock:
            record = self.cached_contents.get(f"cachedContents/{cache_id}")
            if record is not None and self.now() >= record.expire_time:
                del self.cached_contents[record.name]
                record = None
        if record is None:
            raise _wire.ApiError(403, "CachedContent not found (or permission denied)")
        return record

    def _expiry(self, body: dict[str, Any], start: datetime) -> datetime | None:
        if body.get("expireTime"):
            return _wire.parse_time(str(body["expireTime"]))
        if body.get("ttl") is not None:
            seconds = _wire.parse_duration(body["ttl"])
            if seconds is None or seconds <= 0:
                raise _wire.invalid_argument(f"Invalid value at 'ttl': {body['ttl']!r}")
            return start + timedelta(seconds=seconds)
        return None

    def _create_cache(self, raw: Any) -> CacheRecord:
        body = {_camel(k): v for k, v in (raw or {}).items()} if isinstance(raw, dict) else {}
        for key in body:
            if key not in _CREATE_FIELDS:
                raise _wire.unknown_field(key, "cached_content")
        model = str(body.get("model") or "").removeprefix("models/")
        self._check_model(model, "v1beta", "createCachedContent")
        cached: dict[str, Any] = {
            k: body[k]
            for k in ("contents", "systemInstruction", "tools", "toolConfig")
            if k in body
        }
        probe = {"contents": cached.get("contents") or [{"parts": [{"text": " "}]}]}
        if "systemInstruction" in cached:
            probe["systemInstruction"] = cached["systemInstruction"]
        total = sum(prompt_tokens(self._parse(probe, model, stream=False)).values())
        minimum = self.cache_min_tokens.get(model, self.cache_min_tokens.get("*", 0))
        if total < minimum:
            raise _wire.invalid_argument(
                f"Cached content is too small. total_token_count={total}, "
                f"min_total_token_count={minimum}"
            )
        now = self.now()
        with self._lock:
            name = f"cachedContents/{new_file_id()}"
            record = CacheRecord(
                name=name,
                model=model,
                display_name=body.get("displayName"),
                token_count=total,
                body=cached,
                create_time=now,
                update_time=now,
                expire_time=self._expiry(body, now) or now + DEFAULT_CACHE_TTL,
            )
            self.cached_contents[name] = record
        return record

    def _list_caches(self, query: dict[str, str]) -> dict[str, Any]:
        now = self.now()
        with self._lock:
            live = [r for r in self.cached_contents.values() if r.expire_time > now]
        return page_json(live, query, "cachedContents", 100)

    def _update_cache(self, record: CacheRecord, raw: Any) -> CacheRecord:
        body = {_camel(k): v for k, v in (raw or {}).items()} if isinstance(raw, dict) else {}
        other = set(body) - {"ttl", "expireTime", "name"}
        if other:
            raise _wire.invalid_argument(
                f"Only ttl or expireTime can be updated on a CachedContent, not {sorted(other)}."
            )
        now = self.now()
        expiry = self._expiry(body, now)
        if expiry is None:
            raise _wire.invalid_argument("Set ttl or expireTime to update a CachedContent.")
        with self._lock:
            record.expire_time = expiry
            record.update_time = now
        return record

    def _expand_cached(self, body: Any, model: str) -> tuple[Any, int]:
        """``body`` with the cache's contents in front; and the cached token count (0: none)."""
        name = _cache_name(body) if isinstance(body, dict) else None
        if not name:
            return body, 0
        clash = [k for k in _FORBIDDEN_WITH_CACHE if k in body]
        if clash:
            raise _wire.invalid_argument(
                "CachedContent can not be used with GenerateContent request setting "
                "system_instruction, tools or tool_config.\n\nProposed fix: move those values "
                "to CachedContent from GenerateContent request."
            )
        record = self._cache(str(name).removeprefix("cachedContents/"))
        if record.model != model:
            raise _wire.invalid_argument(
                f"Model used by GenerateContent request (models/{model}) and CachedContent "
                f"(models/{record.model}) has to be the same."
            )
        merged = {k: v for k, v in body.items() if k not in ("cachedContent", "cached_content")}
        merged["contents"] = [*record.body.get("contents", []), *(body.get("contents") or [])]
        for key in ("systemInstruction", "tools", "toolConfig"):
            if key in record.body:
                merged[key] = record.body[key]
        return merged, record.token_count

    def _add_cached_usage(self, response: Any, cached: int) -> Any:
        return _patch_usage(response, cached)


def _cache_name(body: dict[str, Any]) -> Any:
    return body.get("cachedContent") or body.get("cached_content")


def _patch_usage(value: Any, cached: int) -> Any:
    if cached and isinstance(value, dict) and isinstance(value.get("usageMetadata"), dict):
        value["usageMetadata"]["cachedContentTokenCount"] = cached
    return value


def _with_cached_usage(answer: Response, cached: int) -> Response:
    if answer.chunks is not None:  # SSE: patch every event and re-frame it
        events = [_patch_usage(e, cached) for e in answer.json or []]
        return Response(
            headers=answer.headers,
            chunks=[b"data: " + _wire_json(e) + b"\r\n\r\n" for e in events],
            json=events,
        )
    value = answer.json
    if isinstance(value, list):
        value = [_patch_usage(e, cached) for e in value]
    return Response.of_json(_patch_usage(value, cached), answer.status)


def _wire_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
