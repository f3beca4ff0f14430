"""JSON shapes of the Gemini API (v1beta) as the live service emits them.

Everything that must match GEMINI-FACTS field for field lives here, so the server module only
decides *which* shape to send. Builders return plain dicts; ``dict`` keeps insertion order, which
is how the field order of the real API is reproduced.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

#: The host clients see in ``File.uri`` (the real form, not the emulator's own address).
PUBLIC_HOST = "https://generativelanguage.googleapis.com"

#: Canonical gRPC status names for the HTTP codes the API uses.
STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ALREADY_EXISTS",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

#: Default messages, copied from recorded live responses where one exists.
DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    408: "Deadline expired before operation could complete.",
    409: "Requested entity already exists",
    429: "Resource has been exhausted (e.g. check quota).",
    499: "The operation was cancelled.",
    500: (
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting"
    ),
    501: "Method not implemented.",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}

_TYPE_PREFIX = "type.googleapis.com/google.rpc."
_DURATION_RE = re.compile(r"^(-?\d+(?:\.\d{1,9})?)s$")


class ApiError(Exception):
    """An error answer: raised anywhere in request handling, rendered by the server.

    Attributes:
        status: HTTP status code.
        body: The JSON body (``{"error": {...}}``).
        headers: Extra response headers.
    """

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        grpc_status: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body = error_body(status, message, details=details, grpc_status=grpc_status)
        self.headers = dict(headers or {})
        super().__init__(self.body["error"]["message"])


def error_body(
    status: int,
    message: str | None = None,
    *,
    details: list[dict[str, Any]] | None = None,
    grpc_status: str | None = None,
) -> dict[str, Any]:
    """Build ``{"error": {"code", "message", "status"[, "details"]}}``."""
    error: dict[str, Any] = {
        "code": status,
        "message": message if message is not None else DEFAULT_MESSAGES.get(status, "Error"),
        "status": grpc_status or STATUS_NAMES.get(status, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return {"error": error}


# --------------------------------------------------------------------------- time and durations


def utc(dt: datetime) -> datetime:
    """Return ``dt`` as an aware UTC datetime (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def format_time(dt: datetime) -> str:
    """RFC 3339 with microseconds and ``Z``, as in ``createTime``/``updateTime``."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_time_nanos(dt: datetime, extra_nanos: int) -> str:
    """RFC 3339 with nanoseconds, as in ``expirationTime`` (datetime only holds microseconds)."""
    base = utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return f"{base}{extra_nanos % 1000:03d}Z"


def parse_time(value: str) -> datetime:
    """Parse an RFC 3339 timestamp as the API emits it (fractions beyond microseconds dropped)."""
    match = re.match(r"^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", value)
    if not match:
        raise ValueError(f"not an RFC 3339 UTC timestamp: {value!r}")
    micros = (match.group(2) or "0")[:6].ljust(6, "0")
    return datetime.strptime(f"{match.group(1)}.{micros}", "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=timezone.utc
    )


def format_duration(seconds: float) -> str:
    """A protobuf JSON Duration: ``"596s"``, ``"1.5s"``."""
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{seconds:.9f}".rstrip("0") + "s"


def parse_duration(value: Any) -> float | None:
    """Parse a protobuf JSON Duration (``"40s"``, ``"1.5s"``); None when malformed."""
    if not isinstance(value, str):
        return None
    match = _DURATION_RE.match(value.strip())
    return float(match.group(1)) if match else None


# --------------------------------------------------------------------------- files


def sha256_hash_field(hex_digest: str) -> str:
    """``sha256Hash`` as the API sends it: base64 of the lowercase *hex* digest string."""
    return base64.b64encode(hex_digest.lower().encode("ascii")).decode("ascii")


def file_uri(name: str) -> str:
    """The ``uri`` the API reports for ``files/<id>``."""
    return f"{PUBLIC_HOST}/v1beta/{name}"


def file_not_accessible(file_id: str) -> ApiError:
    """403 for a file that does not exist, expired, or belongs to another project."""
    return ApiError(
        403,
        f"You do not have permission to access the File {file_id} or it may not exist.",
    )


def file_not_found(file_id: str) -> ApiError:
    """404 variant for unknown files (see ``FakeGeminiServer.missing_file_status``)."""
    return ApiError(404, f"File {file_id} not found.")


def file_not_active(file_id: str) -> ApiError:
    """400 FAILED_PRECONDITION when generateContent references a file that is not ACTIVE."""
    return ApiError(
        400,
        f"The File {file_id} is not in an ACTIVE state and usage is not allowed.",
        grpc_status="FAILED_PRECONDITION",
    )


# ------------------------------------------------------------------- auth and request errors


def api_key_invalid() -> ApiError:
    """400 for a wrong key, with the ErrorInfo the live API attaches."""
    message = "API key not valid. Please pass a valid API key."
    return ApiError(
        400,
        message,
        details=[
            {
                "@type": _TYPE_PREFIX + "ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {"@type": _TYPE_PREFIX + "LocalizedMessage", "locale": "en-US", "message": message},
        ],
    )


def api_key_missing() -> ApiError:
    """403 when no key is sent at all."""
    return ApiError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
    )


def unknown_field(name: str, at: str | None = None) -> ApiError:
    """400 for a JSON field the API's proto does not know."""
    where = f" at '{at}'" if at else ""
    message = f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'
    return ApiError(
        400,
        message,
        details=[
            {
                "@type": _TYPE_PREFIX + "BadRequest",
                "fieldViolations": [{"field": at or "", "description": message}],
            }
        ],
    )


def invalid_argument(message: str) -> ApiError:
    """400 INVALID_ARGUMENT with a free message."""
    return ApiError(400, message)


def model_not_found(model: str, version: str, method: str) -> ApiError:
    """404 for an unknown model, with the live API's wording."""
    return ApiError(
        404,
        f"models/{model} is not found for API version {version}, or is not supported for "
        f"{method}. Call ListModels to see the list of available models and their supported "
        "methods.",
    )


def quota_exceeded(retry_delay_s: float, model: str, message: str | None = None) -> ApiError:
    """429 RESOURCE_EXHAUSTED with QuotaFailure, Help and RetryInfo details."""
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    text = message or (
        "You exceeded your current quota, please check your plan and billing details. "
        "For more information on this error, head to: "
        "https://ai.google.dev/gemini-api/docs/rate-limits.\n"
        f"* Quota exceeded for metric: {metric}, limit: 10, model: {model}\n"
        f"Please retry in {retry_delay_s:.9g}s."
    )
    return ApiError(
        429,
        text,
        details=[
            {
                "@type": _TYPE_PREFIX + "QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": metric,
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaDimensions": {"location": "global", "model": model},
                        "quotaValue": "10",
                    }
                ],
            },
            {
                "@type": _TYPE_PREFIX + "Help",
                "links": [
                    {
                        "description": "Learn more about Gemini API quotas",
                        "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                    }
                ],
            },
            {"@type": _TYPE_PREFIX + "RetryInfo", "retryDelay": format_duration(retry_delay_s)},
        ],
    )


# --------------------------------------------------------------------------- generateContent


def candidate(
    text: str | None,
    finish_reason: str,
    function_calls: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """One candidate; ``content`` is left out when there is neither text nor a function call.

    Function calls follow the live API: one ``{"functionCall": {"name", "args"}}`` part per call
    after any text, parallel calls in one candidate, finish reason STOP.
    """
    out: dict[str, Any] = {}
    parts: list[dict[str, Any]] = [{"text": text}] if text else []
    parts.extend(
        {"functionCall": {"name": call["name"], "args": dict(call.get("args") or {})}}
        for call in function_calls
    )
    if not parts and text is not None:
        parts = [{"text": text}]
    if parts:
        out["content"] = {"parts": parts, "role": "model"}
    if finish_reason:
        out["finishReason"] = finish_reason
    out["index"] = 0
    return out


def usage_metadata(
    prompt_by_modality: dict[str, int],
    candidates_tokens: int | None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``usageMetadata``: counts, then per-modality prompt details; ``overrides`` win."""
    prompt = sum(prompt_by_modality.values())
    usage: dict[str, Any] = {"promptTokenCount": prompt}
    if candidates_tokens is not None:
        usage["candidatesTokenCount"] = candidates_tokens
    usage["totalTokenCount"] = prompt + (candidates_tokens or 0)
    usage["promptTokensDetails"] = [
        {"modality": modality, "tokenCount": count}
        for modality, count in prompt_by_modality.items()
    ]
    if overrides:
        usage.update(overrides)
        if "totalTokenCount" not in overrides:
            usage["totalTokenCount"] = (
                int(usage.get("promptTokenCount", 0))
                + int(usage.get("candidatesTokenCount", 0))
                + int(usage.get("thoughtsTokenCount", 0))
            )
    return usage


def generate_response(
    *,
    text: str | None,
    finish_reason: str,
    block_reason: str | None,
    usage: dict[str, Any],
    model_version: str,
    response_id: str,
    function_calls: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A complete (non-streamed) generateContent answer in the API's field order."""
    body: dict[str, Any] = {}
    if block_reason:
        # A blocked prompt has no candidates at all, only the feedback.
        body["promptFeedback"] = {"blockReason": block_reason}
    else:
        body["candidates"] = [candidate(text, finish_reason, function_calls)]
    body["usageMetadata"] = usage
    body["modelVersion"] = model_version
    body["responseId"] = response_id
    return body


def split_for_stream(text: str, pieces: int = 3) -> list[str]:
    """Split ``text`` into up to ``pieces`` chunks on word boundaries (lossless)."""
    if len(text) < 2 or pieces < 2:
        return [text]
    size = math.ceil(len(text) / pieces)
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        # Move the cut to the next space so words are not split (the real API cuts on tokens).
        space = text.find(" ", end)
        if end < len(text) and 0 <= space - end < 20:
            end = space + 1
        chunks.append(text[start:end])
        start = end
    return chunks
