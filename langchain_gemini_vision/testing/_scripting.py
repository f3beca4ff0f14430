"""Scripting the fake server: rules that answer generateContent, faults and dropped connections.

``FakeGeminiServer`` inherits these public methods. They only record what to do, under the
server's lock; matching happens as requests arrive (rules in ``_generate_api``, faults and drops in
the server's dispatch).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from langchain_gemini_vision.testing._faults import Drop, Fault
from langchain_gemini_vision.testing._rules import _UNSET, GenerateRequest, Rule


class ScriptingMixin:
    """``add_rule``, ``inject_fault``, ``drop_connections`` and the ``clear_*`` methods."""

    # Provided by FakeGeminiServer.
    _lock: threading.RLock
    _rules: list[Rule]
    _faults: list[Fault]
    _drops: list[Drop]

    def add_rule(
        self,
        *,
        text: str | None = None,
        json: Any | None = None,
        when: Callable[[GenerateRequest], bool] | None = None,
        prompt_contains: str | None = None,
        has_media: str | None = None,
        has_schema: bool | None = None,
        model: str | None = None,
        finish_reason: str = "STOP",
        times: int | None = None,
        handler: Callable[[GenerateRequest], Any] | None = None,
        block_reason: str | None = None,
        usage: dict[str, Any] | None = None,
        latency_s: float = 0.0,
    ) -> Rule:
        """Script an answer for matching generateContent requests.

        Rules are tried **most recently added first**; the first whose conditions all hold
        answers (so a test can override a fixture's catch-all). A rule with ``times`` stops
        matching after that many answers. Without any matching rule the server answers a
        short sentence, or a minimal JSON instance of the requested response schema.

        Args:
            text: Answer text.
            json: A value answered as its JSON text (``json.dumps``); wins over ``text``.
                (None means unset: script JSON ``null`` with ``text="null"``.)
            when: Custom predicate on the parsed request.
            prompt_contains: Case-insensitive substring of the request's text parts.
            has_media: A MIME prefix (``"image/"``, ``"video/"``) or ``"youtube"`` that some
                media part must match.
            has_schema: Require (True) or forbid (False) a response schema.
            model: Only for this model name.
            finish_reason: ``finishReason`` (``MAX_TOKENS``, ``SAFETY``...). With a non-STOP
                reason and no text, the candidate has no content.
            times: Answer at most this many times.
            handler: Computes the answer: return text, any JSON value, or a ``Reply``
                (which may also carry an HTTP error). Exceptions become 500 INTERNAL and are
                kept in ``handler_errors``.
            block_reason: Block the prompt: ``promptFeedback.blockReason`` and no candidates.
            usage: Overrides merged into ``usageMetadata`` (e.g. ``{"thoughtsTokenCount": 7}``).
            latency_s: Extra delay for this rule's answers (other requests proceed meanwhile).

        Returns:
            The rule; its ``calls`` counts the answers it gave.
        """
        rule = Rule(
            text=text,
            json_value=_UNSET if json is None else json,
            when=when,
            prompt_contains=prompt_contains,
            has_media=has_media,
            has_schema=has_schema,
            model=model,
            finish_reason=finish_reason,
            times=times,
            handler=handler,
            block_reason=block_reason,
            usage=usage,
            latency_s=latency_s,
        )
        with self._lock:
            self._rules.insert(0, rule)
        return rule

    def clear_rules(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def inject_fault(
        self,
        status: int,
        *,
        times: int = 1,
        path_contains: str | None = None,
        method: str | None = None,
        retry_delay_s: float | None = None,
        message: str | None = None,
        probability: float = 1.0,
        seed: int | None = None,
    ) -> Fault:
        """Answer the next matching request(s) with an HTTP error, as the live API words it.

        429 carries QuotaFailure, Help and RetryInfo details and "Please retry in Xs."
        (``retry_delay_s``, default 1 s); 500 INTERNAL and 503 UNAVAILABLE ("The model is
        overloaded...") carry no details. Faults apply before authentication and routing, to
        any path, upload chunks included (those answers carry ``x-goog-upload-status: final``
        so the SDK fails fast instead of re-sending the chunk).

        Args:
            status: HTTP status (400, 403, 404, 429, 500, 503, 504...).
            times: How many requests to fail.
            path_contains: Only requests whose path (with query) contains this, e.g.
                ``":generateContent"``, ``"/files"``, ``"upload_id="``.
            method: Only this HTTP method.
            retry_delay_s: RetryInfo delay for 429.
            message: Replace the default message.
            probability: Fail each matching request with this probability (up to ``times``),
                for "5% of requests fail" load tests.
            seed: Seed of those draws (reproducible runs).

        Returns:
            The fault; ``used`` counts the requests it failed.
        """
        fault = Fault(
            times=times,
            path_contains=path_contains,
            method=method,
            status=status,
            retry_delay_s=retry_delay_s,
            message=message,
            probability=probability,
            rng=random.Random(seed),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def drop_connections(
        self,
        times: int = 1,
        path_contains: str | None = None,
        method: str | None = None,
        *,
        probability: float = 1.0,
        seed: int | None = None,
    ) -> Drop:
        """Close the connection of the next matching request(s) without answering.

        The body is read first, so clients see "server disconnected" rather than a write error.
        ``probability`` and ``seed`` work as for :meth:`inject_fault`.
        """
        drop = Drop(
            times=times,
            path_contains=path_contains,
            method=method,
            probability=probability,
            rng=random.Random(seed),
        )
        with self._lock:
            self._drops.append(drop)
        return drop

    def clear_faults(self) -> None:
        """Remove pending faults and drops."""
        with self._lock:
            self._faults.clear()
            self._drops.clear()
