"""Errors of Batch Mode: ``GeminiVisionError`` subclasses kept next to the code that raises them.

A failed batch item is a value in its slot, not an exception, and it is typed the way the same
failure of a synchronous call is: its ``{code, message, status}`` goes through the package's one
error mapping (``_core.error_mapping``), so ``isinstance(item.error, RateLimitError)`` holds for a
429 item exactly as ``except RateLimitError`` catches a 429 call. Each such error is also a
:class:`BatchItemError` (the item's ``key``, ``index``, ``code``, ``status_name``, ``retryable``),
so code written against ``BatchItemError`` keeps working.
"""

from __future__ import annotations

from typing import Any

from google.genai import errors as genai_errors

from langchain_gemini_vision._core.error_mapping import CallContext, map_error
from langchain_gemini_vision.errors import (
    AuthenticationError,
    GeminiVisionError,
    InvalidRequestError,
    RateLimitError,
    RequestTimeoutError,
    ResponseBlockedError,
    ResponseParseError,
    ServiceUnavailableError,
)


class BatchError(GeminiVisionError):
    """Base class of the Batch Mode errors."""


class BatchJobError(BatchError):
    """The job ended without results (FAILED, CANCELLED or EXPIRED), or the API refused a call.

    Attributes:
        job_name: The ``batches/...`` name.
        state: The job's last state (``"FAILED"``, ``"EXPIRED"``...; empty when unknown).
        server_message: The operation's ``error.message``, when the API gave one.
    """

    def __init__(
        self, message: str, *, job_name: str = "", state: str = "", server_message: str = ""
    ) -> None:
        super().__init__(message, server_message=server_message)
        self.job_name = job_name
        self.state = state


class BatchWaitTimeout(BatchError):
    """The job was still pending or running at the caller's deadline (it keeps running).

    Attributes:
        job_name: The ``batches/...`` name.
        state: The last state seen.
        elapsed_s: Seconds waited.
    """

    def __init__(self, message: str, *, job_name: str, state: str, elapsed_s: float) -> None:
        super().__init__(message)
        self.job_name = job_name
        self.state = state
        self.elapsed_s = elapsed_s


class BatchItemError(BatchError):
    """One item of a job failed (the other items are unaffected).

    The errors in ``BatchItemResult.error`` are instances of a subclass that is also the
    taxonomy class of the failure (``BatchItemRateLimitError`` is a ``RateLimitError``...).

    Attributes:
        key: The item's key.
        index: The item's input position (-1 when unknown).
        code: The HTTP-style code of a server-side item error (400, 429, 500...; a gRPC code
            in the result is converted); 0 for a failure found on this side (parsing).
        status_name: The gRPC status name (``"INTERNAL"``), given or derived from the code.
        server_message: The item error's message, redacted.
    """

    def __init__(
        self,
        message: str = "",
        *,
        key: str = "",
        code: int = 0,
        status: str = "",
        index: int = -1,
        **fields: Any,
    ) -> None:
        if code:
            fields.setdefault("status", code)
        super().__init__(message, **fields)
        self.key = key
        self.index = index
        self.code = code
        self.status_name = status

    @property
    def retryable(self) -> bool:
        """Whether resubmitting may succeed (rate limits, server errors, unreadable answers)."""
        transient = (RateLimitError, ServiceUnavailableError, RequestTimeoutError)
        if isinstance(self, (*transient, ResponseParseError)):
            return True
        return self.code in (408, 429) or self.code >= 500


class BatchItemRateLimitError(BatchItemError, RateLimitError):
    """A batch item hit a rate limit or quota (429 / ``RESOURCE_EXHAUSTED``)."""


class BatchItemServiceUnavailableError(BatchItemError, ServiceUnavailableError):
    """A batch item failed on Google's side (5xx), or the results had no entry for it."""


class BatchItemTimeoutError(BatchItemError, RequestTimeoutError):
    """A batch item timed out on the server (408 / 504 / ``DEADLINE_EXCEEDED``)."""


class BatchItemInvalidRequestError(BatchItemError, InvalidRequestError):
    """The server refused a batch item's request (400, 404...): resending it unchanged fails."""


class BatchItemAuthenticationError(BatchItemError, AuthenticationError):
    """A batch item was refused for permission (403: e.g. a ``files/...`` of another key)."""


class BatchItemParseError(BatchItemError, ResponseParseError):
    """A batch item's answer could not be parsed (``raw_text`` holds it)."""


class BatchItemBlockedError(BatchItemError, ResponseBlockedError):
    """The model refused a batch item (safety, recitation; ``reason`` says which)."""


# Most specific first: AuthenticationError is a ConfigurationError, not listed on its own.
_TYPED: tuple[tuple[type[GeminiVisionError], type[BatchItemError]], ...] = (
    (RateLimitError, BatchItemRateLimitError),
    (RequestTimeoutError, BatchItemTimeoutError),
    (ServiceUnavailableError, BatchItemServiceUnavailableError),
    (AuthenticationError, BatchItemAuthenticationError),
    (InvalidRequestError, BatchItemInvalidRequestError),
    (ResponseBlockedError, BatchItemBlockedError),
    (ResponseParseError, BatchItemParseError),
)

# google.rpc.Code -> (HTTP status, name): a Status in the results may carry either form.
_RPC: dict[int, tuple[int, str]] = {
    1: (499, "CANCELLED"),
    2: (500, "UNKNOWN"),
    3: (400, "INVALID_ARGUMENT"),
    4: (504, "DEADLINE_EXCEEDED"),
    5: (404, "NOT_FOUND"),
    6: (409, "ALREADY_EXISTS"),
    7: (403, "PERMISSION_DENIED"),
    8: (429, "RESOURCE_EXHAUSTED"),
    9: (400, "FAILED_PRECONDITION"),
    10: (409, "ABORTED"),
    11: (400, "OUT_OF_RANGE"),
    12: (501, "UNIMPLEMENTED"),
    13: (500, "INTERNAL"),
    14: (503, "UNAVAILABLE"),
    15: (500, "DATA_LOSS"),
    16: (401, "UNAUTHENTICATED"),
}
_BY_NAME = {name: http for http, name in _RPC.values()}
_NAME_OF = {400: "INVALID_ARGUMENT", 500: "INTERNAL"} | {
    http: name for http, name in _RPC.values() if http not in (400, 500)
}
_RETRY = "Retry it with job.retry_failed()."
_FIX = "Fix the input (see the message) and submit it again."


def as_item_error(
    error: GeminiVisionError, *, key: str, index: int, code: int = 0, status_name: str = ""
) -> BatchItemError:
    """``error`` as the batch item error of its taxonomy class, with the item's key and index.

    The new error has ``error``'s message and every attribute (``status``, ``server_message``,
    ``what_to_do``, ``retry_after_s``, ``raw_text``...), so it reads exactly like the original.
    """
    if isinstance(error, BatchItemError):
        return error
    cls = next((typed for base, typed in _TYPED if isinstance(error, base)), BatchItemError)
    # Built without __init__: the taxonomy classes take different keywords, and every field is
    # copied from the mapped error anyway.
    item = cls.__new__(cls)
    Exception.__init__(item, *error.args)
    item.__dict__.update(vars(error))
    item.key, item.index, item.code, item.status_name = key, index, code, status_name
    item.__cause__ = error.__cause__
    return item


def _http_status(error: dict[str, Any]) -> tuple[int, str]:
    """The HTTP-style code and gRPC status name of a result line's ``error`` object."""
    raw = error.get("code", 0)
    code = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else 0
    name = str(error.get("status") or "")
    if 0 < code < 100:  # a google.rpc.Code, not an HTTP status
        code, derived = _RPC.get(code, (500, "UNKNOWN"))
        name = name or derived
    if not code:
        code = _BY_NAME.get(name, 500)
    return code, name or _NAME_OF.get(code, "")


def item_error(
    key: str, error: dict[str, object], *, index: int = -1, job_name: str = ""
) -> BatchItemError:
    """The typed error of a result line's ``error`` object (``{code, message, status}``)."""
    code, name = _http_status(error)
    message = " ".join(str(error.get("message") or "").split())
    body = {"error": {"code": code, "message": message, "status": name, **_details(error)}}
    doing = f"run item {key!r}" + (f" of batch job {job_name}" if job_name else " of a batch job")
    mapped = map_error(genai_errors.APIError(code, body), CallContext(doing=doing))
    assert mapped is not None  # an APIError with a status always maps
    typed = as_item_error(mapped, key=key, index=index, code=code, status_name=name)
    said = mapped.server_message or "no message"
    # The batch wording replaces the synchronous call's next step ("retry in a minute").
    typed.what_to_do = _RETRY if typed.retryable else _FIX
    typed.args = (
        f"Batch item {key!r} failed on the server (code {code}, {name}: {said}). "
        f"{typed.what_to_do}",
    )
    return typed


def _details(error: dict[str, object]) -> dict[str, object]:
    details = error.get("details")
    return {"details": details} if isinstance(details, list) else {}


def missing_item_error(key: str, *, index: int, job_name: str) -> BatchItemError:
    """The error of an item the results file has no entry for (resubmitting may succeed)."""
    return BatchItemServiceUnavailableError(
        f"The results of batch job {job_name} have no entry for item {key!r}.",
        key=key,
        index=index,
        what_to_do=_RETRY,
    )
