"""What a failed File API call means to our users: one of this package's typed errors.

:func:`api_error` maps google-genai's API errors and transport errors (once retrying gave up, or
for errors no retry can fix) to the error hierarchy of ``errors.py``, with a next step for the
user and never the API key; :func:`delete_answer` says when a failed delete means "already gone".
"""

from __future__ import annotations

from typing import Any

from ._polling import error_status
from ._retry import RetryStep
from .errors import (
    ConfigurationError,
    FileProcessingError,
    GeminiVisionError,
    MediaAccessError,
)


def _key_rejected(exc: BaseException, status: int | None) -> bool:
    """Whether the API refused the key itself (``API_KEY_INVALID``, or 401), not the request."""
    if status == 401:
        return True
    if status != 400:
        return False
    details: Any = getattr(exc, "details", None)
    error: Any = details.get("error", details) if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    reasons = [i.get("reason") for i in items or [] if isinstance(i, dict)]
    return "API_KEY_INVALID" in reasons or "API key not valid" in str(exc)


def api_error(
    exc: BaseException,
    name: str,
    action: str,
    *,
    waiting: bool = False,
    step: RetryStep | None = None,
    attempts: int = 1,
) -> Exception:
    """Map a google-genai error to one of ours, with a next step (never the key itself).

    ``step`` and ``attempts`` say how the retry loop gave up, so the message can tell that the
    call was tried several times, or that the server asked for a longer wait than allowed.
    """
    status = error_status(exc)
    message = str(getattr(exc, "message", "") or "").strip().rstrip(".")
    if step is not None and step.too_long and step.server_delay_s is not None:
        return GeminiVisionError(
            f"The File API asked to retry in {step.server_delay_s:.0f} s while trying to {action} "
            f"{name} ({step.reason}{': ' + message if message else ''}), longer than the "
            f"{step.max_delay_s:g} s this manager waits between attempts, so the call gave up at "
            "once. Retry after that delay, or allow longer waits with GeminiFileManager("
            "retry_policy=RetryPolicy(max_delay_s=...))."
        )
    if step is not None and step.transient and attempts > 1:
        name = f"{name} after {attempts} attempts"
    if _key_rejected(exc, status):
        return ConfigurationError(
            f"Gemini rejected the API key while trying to {action} {name} (HTTP {status}"
            f"{': ' + message if message else ''}). Check GOOGLE_API_KEY / GEMINI_API_KEY, or the "
            "api_key given to ChatGoogleGenerativeAI; keys are at https://aistudio.google.com/apikey."
        )
    if status in (403, 404) and waiting:
        return FileProcessingError(
            f"{name} disappeared while waiting for it to become ACTIVE (deleted, or expired "
            "after 48 h). Upload the file again.",
            file_name=name,
            server_message=message,
        )
    if status == 404:
        return MediaAccessError(
            f"Gemini file {name} does not exist: it was deleted, has expired (files are kept "
            "48 h), or the name is wrong. Upload the file again, or list your files with "
            "GeminiFileManager.list().",
            rule="not_found",
        )
    if status == 403:
        # The live API answers 403 alike for unknown, expired and other projects' files.
        return MediaAccessError(
            f"Cannot {action} Gemini file {name}: it does not exist, has expired (files are "
            "kept 48 h), or belongs to another project (a different API key). Upload the file "
            "again with this key, or use the key of the project that uploaded it.",
            rule="permission",
        )
    if status == 429:
        return GeminiVisionError(
            f"The File API rate limit or quota was hit while trying to {action} {name}"
            f"{': ' + message if message else ''}. Wait and retry; files you no longer need can "
            "be removed with GeminiFileManager.delete_owned() (20 GB per project)."
        )
    if status is not None:
        return GeminiVisionError(
            f"The File API refused to {action} {name}: HTTP {status}"
            f"{': ' + message if message else ''}." + (" Retry later." if status >= 500 else "")
        )
    return GeminiVisionError(
        f"Could not {action} {name}: {type(exc).__name__}: {str(exc).rstrip('.')}. Check the "
        "network connection and retry."
    )


def delete_answer(exc: BaseException, attempt: int, missing_ok: bool) -> bool | None:
    """What ``delete`` returns when ``exc`` says the file is gone; None when it does not.

    "Gone" is a 404, or the 403 the live API answers alike for unknown and expired files. After
    a retry it means success: the attempt that seemed to fail may well have deleted the file.
    """
    if error_status(exc) not in (403, 404):
        return None
    if attempt > 1:
        return True
    return False if missing_ok else None
