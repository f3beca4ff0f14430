"""One mapping from any failed call to this package's typed errors.

Generation (through LangChain), the File API (through google-genai) and URL fetches fail with
exceptions of five libraries: ``google.genai.errors``, ``google.api_core.exceptions`` (older
stacks), ``langchain_google_genai`` (which wraps the genai error, keeping it in ``__cause__``),
``langchain_core.exceptions`` and the transports (``httpx``, ``httpx2``, ``aiohttp``, the standard
library). :func:`map_error` reads what they all say (an HTTP status and message, or a transport
failure) and answers one class per kind of failure, so callers catch the same class whatever the
call path. Server text is redacted before it goes anywhere (an SDK error can echo a request URL).
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_gemini_vision._core.client import api_key_from_env
from langchain_gemini_vision._core.polling import is_transport_error, retry_delay_s
from langchain_gemini_vision._core.retry import RetryStep
from langchain_gemini_vision.errors import (
    AuthenticationError,
    ConnectionLostError,
    GeminiVisionError,
    InvalidRequestError,
    MediaAccessError,
    RateLimitError,
    RequestTimeoutError,
    ServiceUnavailableError,
)

_KEY_PATTERN = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")
_KEY_PARAM = re.compile(r"(?i)((?:api_?)?key=)[^&\s'\"]+")
_PAYLOAD_LIMIT = re.compile(r"exceeds the limit:?\s*(\d+)\s*bytes", re.IGNORECASE)
_MAX_SERVER_MESSAGE = 300
_KEY_HELP = (
    "Check GOOGLE_API_KEY / GEMINI_API_KEY, or the api_key given to ChatGoogleGenerativeAI; "
    "keys are at https://aistudio.google.com/apikey."
)


def redact(text: str) -> str:
    """Remove the API key (the one in the environment, anything key-shaped, ``key=`` values)."""
    key = api_key_from_env()
    if key:
        text = text.replace(key, "[REDACTED]")
    text = _KEY_PATTERN.sub("[REDACTED]", text)
    return _KEY_PARAM.sub(r"\1[REDACTED]", text)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it was raised from or during (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _http_code(exc: BaseException) -> int | None:
    """The HTTP status of a google-genai or google.api_core error (the latter by duck typing)."""
    code = getattr(exc, "code", None)
    module = type(exc).__module__
    known = module.startswith(("google.genai", "google.api_core", "langchain_google_genai"))
    return code if known and isinstance(code, int) and 400 <= code < 600 else None


def api_error_in(exc: BaseException) -> BaseException | None:
    """The error in the chain that carries Gemini's HTTP status, google-genai's own preferred.

    LangChain re-raises a genai error as its own class, keeping the original in ``__cause__``;
    the original is what the retry decision (and its ``RetryInfo`` details) understands.
    """
    found = [item for item in causes(exc) if _http_code(item) is not None]
    genai = [item for item in found if type(item).__module__.startswith("google.genai")]
    return next(iter(genai or found), None)


def transport_error_in(exc: BaseException) -> BaseException | None:
    """The first transport failure in the chain (reset, refused, timed out...)."""
    return next((item for item in causes(exc) if is_transport_error(item)), None)


def root_failure(exc: BaseException) -> BaseException:
    """What really failed: the API or transport error inside LangChain's wrappers, else ``exc``.

    The retry decision (:func:`~._retry.retry_step`) reads statuses from google-genai errors
    only, so it must see the error LangChain wrapped, not the wrapper.
    """
    return api_error_in(exc) or transport_error_in(exc) or exc


def _server_message(exc: BaseException) -> str:
    details: Any = getattr(exc, "details", None)
    error: Any = details.get("error", details) if isinstance(details, dict) else None
    text = error.get("message") if isinstance(error, dict) else None
    text = text or getattr(exc, "message", None) or str(exc)
    text = " ".join(redact(str(text)).split()).rstrip(".")
    if len(text) > _MAX_SERVER_MESSAGE:
        text = text[: _MAX_SERVER_MESSAGE - 3] + "..."
    return text


def key_rejected(exc: BaseException) -> bool:
    """Whether the API refused the key itself (``API_KEY_INVALID``, or 401), not the request."""
    status = _http_code(exc)
    if status == 401:
        return True
    details: Any = getattr(exc, "details", None)
    error: Any = details.get("error", details) if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    reasons = [i.get("reason") for i in items or [] if isinstance(i, dict)]
    return status == 400 and ("API_KEY_INVALID" in reasons or "API key not valid" in str(exc))


@dataclass(frozen=True)
class CallContext:
    """What the failed call was doing, for the message.

    Attributes:
        doing: ``"generate a caption"``, ``"read files/abc"``: completes "while trying to ...".
        service: Who answered: ``"Gemini"``, ``"The File API"``, or a fetched URL's host.
        configure: Where the user sets the retry policy (for a too-long server delay).
        waiter: Who waits between attempts, in that message (``"this manager"``).
        payload_bytes: Bytes of media sent inline, to explain a payload-too-large refusal.
    """

    doing: str
    service: str = "Gemini"
    configure: str = "generation_retries(RetryPolicy(max_delay_s=...))"
    waiter: str = "this package"
    payload_bytes: int | None = None


def map_error(
    exc: BaseException,
    context: CallContext,
    *,
    step: RetryStep | None = None,
    attempts: int = 1,
) -> GeminiVisionError | None:
    """The typed error for ``exc``, or None when it is not a service or transport failure.

    Args:
        exc: What the call raised (an SDK, LangChain or transport exception).
        context: What the call was doing.
        step: How the retry loop gave up, when there was one (for "after N attempts" and for a
            server delay longer than the policy allows).
        attempts: How many attempts were made.

    Returns:
        A ``GeminiVisionError`` subclass to raise ``from exc``; None for anything else (our own
        errors, cancellation, programming errors), which the caller lets propagate unchanged.
    """
    if isinstance(exc, GeminiVisionError):
        return exc
    after = f" after {attempts} attempts" if step is not None and attempts > 1 else ""
    api = api_error_in(exc)
    if api is not None:
        status = _http_code(api)
        assert status is not None
        return _for_status(api, status, context, step, after)
    transport = transport_error_in(exc)
    if transport is not None:
        return _for_transport(transport, context, after)
    return _for_langchain(exc, context)


def _for_status(
    exc: BaseException, status: int, context: CallContext, step: RetryStep | None, after: str
) -> GeminiVisionError:
    message = _server_message(exc)
    said = f"HTTP {status}{': ' + message if message else ''}"
    where = f"while trying to {context.doing}{after}"
    fields: dict[str, Any] = {"status": status, "server_message": message}
    if key_rejected(exc):
        return AuthenticationError(
            f"{context.service} rejected the API key {where} ({said}).",
            what_to_do=_KEY_HELP,
            **fields,
        )
    if status == 429:
        asked = retry_delay_s(exc)
        if step is not None and step.too_long and asked is not None:
            return RateLimitError(
                f"{context.service} asked to retry in {asked:.0f} s {where} ({said}), longer "
                f"than the {step.max_delay_s:g} s {context.waiter} waits between attempts, so the "
                "call gave up at once.",
                what_to_do=f"Retry after that delay, or allow longer waits with "
                f"{context.configure}.",
                retry_after_s=asked,
                **fields,
            )
        wait = f"in {asked:.0f} s" if asked is not None else "in a minute"
        return RateLimitError(
            f"{context.service} rate limit or quota was hit {where} ({said}).",
            what_to_do=f"Retry {wait}, lower the number of concurrent calls, or check the "
            "project's quota at https://aistudio.google.com/.",
            retry_after_s=asked,
            **fields,
        )
    if status == 403:
        return AuthenticationError(
            f"{context.service} denied permission {where} ({said}).",
            what_to_do="Check that the key's project has the Gemini API enabled, and that any "
            "files/... it refers to were uploaded with this key.",
            **fields,
        )
    if status in (408, 504):
        return RequestTimeoutError(
            f"{context.service} timed out {where} ({said}).",
            what_to_do="Retry later, or send less at once (a shorter clip, fewer or smaller "
            "images).",
            **fields,
        )
    if status >= 500:
        return ServiceUnavailableError(
            f"{context.service} is unavailable {where} ({said}).",
            what_to_do="This is on Google's side and usually passes: retry in a minute.",
            **fields,
        )
    limit = _PAYLOAD_LIMIT.search(message)
    if status == 413 or limit is not None:
        return _payload_too_large(context, where, said, limit, fields)
    return InvalidRequestError(
        f"{context.service} refused the request {where} ({said}).",
        what_to_do="Another attempt will fail the same way: change the request (model name, "
        "media, options) as the server's message says.",
        **fields,
    )


def _payload_too_large(
    context: CallContext, where: str, said: str, limit: re.Match[str] | None, fields: Any
) -> InvalidRequestError:
    limit_bytes = int(limit.group(1)) if limit is not None else None
    size = context.payload_bytes
    sizes = ", ".join(
        part
        for part in (
            f"{size:,} bytes sent inline" if size is not None else "",
            f"limit {limit_bytes:,} bytes" if limit_bytes is not None else "",
        )
        if part
    )
    return InvalidRequestError(
        f"{context.service} refused the request as too large {where} ({said}"
        f"{'; ' + sizes if sizes else ''}).",
        what_to_do="Send less inline (smaller or fewer images, max_image_side=...), or upload "
        "large media with GeminiFileManager and pass the files/... name.",
        size_bytes=size,
        limit_bytes=limit_bytes,
        **fields,
    )


def _for_transport(exc: BaseException, context: CallContext, after: str) -> GeminiVisionError:
    name = type(exc).__name__
    text = redact(str(exc)).strip()
    said = f"{name}{': ' + text if text else ''}"
    where = f"while trying to {context.doing}{after}"
    timed_out = ("Timeout" in name and name != "ConnectTimeout") or isinstance(exc, TimeoutError)
    if timed_out:
        return RequestTimeoutError(
            f"No answer from {context.service} in time {where} ({said}).",
            what_to_do="Retry, raise the timeout (ChatGoogleGenerativeAI(timeout=...)), or send "
            "less at once.",
            server_message=text,
        )
    return ConnectionLostError(
        f"The connection to {context.service} failed {where} ({said}).",
        what_to_do="Check the network connection (and GEMINI_VISION_BASE_URL if set), then retry.",
        server_message=text,
    )


# langchain_core's model errors by class name (they carry no status when nothing is chained).
_LANGCHAIN_ERRORS: dict[str, tuple[type[GeminiVisionError], str]] = {
    "ModelAuthenticationError": (AuthenticationError, _KEY_HELP),
    "ModelPermissionDeniedError": (AuthenticationError, _KEY_HELP),
    "ModelRateLimitError": (RateLimitError, "Retry in a minute."),
    "ModelTimeoutError": (RequestTimeoutError, "Retry, or send less at once."),
    "ModelConnectionError": (ConnectionLostError, "Check the network connection, then retry."),
    "ModelAPIError": (ServiceUnavailableError, "Retry in a minute."),
    "ContextOverflowError": (
        InvalidRequestError,
        "The input is too long for the model: send a shorter clip or fewer images.",
    ),
    "ModelInvalidRequestError": (InvalidRequestError, "Change the request as the message says."),
    "ModelNotFoundError": (InvalidRequestError, "Check the model name."),
    "ChatGoogleGenerativeAIError": (InvalidRequestError, "Change the request as it says."),
}


def _for_langchain(exc: BaseException, context: CallContext) -> GeminiVisionError | None:
    for cls in type(exc).__mro__:
        known = _LANGCHAIN_ERRORS.get(cls.__name__)
        if known is not None and cls.__module__.startswith(("langchain_core", "langchain_google")):
            error_class, what_to_do = known
            message = _server_message(exc)
            return error_class(
                f"{context.service} call failed while trying to {context.doing} "
                f"({type(exc).__name__}: {message}).",
                what_to_do=what_to_do,
                server_message=message,
            )
    return None


def map_fetch_error(exc: BaseException, url: str, timeout_s: float) -> GeminiVisionError | None:
    """The typed error for a failed download of a model- or user-chosen URL (None: not ours).

    An HTTP error page is the link's problem (``MediaAccessError``, rule ``"http"``), except the
    statuses that mean "later" (429, 408/504, 5xx), which map as for Gemini; a refused, reset or
    dropped connection is a ``ConnectionLostError`` and a stall a ``RequestTimeoutError``.
    """
    host = urllib.parse.urlsplit(url).hostname or url
    code = getattr(exc, "code", None) if isinstance(exc, urllib.error.HTTPError) else None
    if isinstance(code, int):
        message = redact(str(getattr(exc, "reason", "") or ""))
        said = f"HTTP {code}{' ' + message if message else ''}"
        retry_after = getattr(exc, "headers", None) or {}
        after = str(retry_after.get("Retry-After") or "")
        if code == 429:
            return RateLimitError(
                f"{url} answered {said} (rate limited).",
                what_to_do="Retry later, or download the media yourself and pass the bytes.",
                retry_after_s=float(after) if after.isdigit() else None,
                server_message=message,
            )
        if code in (408, 504) or code >= 500:
            cls = RequestTimeoutError if code in (408, 504) else ServiceUnavailableError
            return cls(
                f"{url} answered {said}.",
                what_to_do=f"The server at {host} failed; retry later, or use another link.",
                status=code,
                server_message=message,
            )
        error = MediaAccessError(f"{url} answered {said}; check the link.", rule="http")
        error.status, error.server_message = code, message
        return error
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, BaseException) and (
        is_transport_error(reason) or isinstance(reason, (OSError, http.client.HTTPException))
    ):
        text = redact(str(reason)) or type(reason).__name__
        if isinstance(reason, TimeoutError):
            return RequestTimeoutError(
                f"Fetching {url} timed out after {timeout_s:.0f} s ({text}).",
                what_to_do="Retry, or download the media yourself and pass the bytes or a path.",
                server_message=text,
            )
        return ConnectionLostError(
            f"Cannot fetch {url}: the connection to {host} failed ({type(reason).__name__}: "
            f"{text}).",
            what_to_do="Check the link and the network, then retry.",
            server_message=text,
        )
    return None
