"""What a failed File API call means to our users: one of this package's typed errors.

:func:`api_error` maps google-genai's API errors and transport errors (once retrying gave up, or
for errors no retry can fix) to the error hierarchy of ``errors.py`` (file-specific for a missing
file, through the one shared mapping otherwise), with a next step and never the API key;
:func:`delete_answer` says when a failed delete means "already gone".
"""

from __future__ import annotations

from langchain_gemini_vision._core.error_mapping import CallContext, key_rejected, map_error, redact
from langchain_gemini_vision._core.polling import error_status
from langchain_gemini_vision._core.retry import RetryStep
from langchain_gemini_vision.errors import FileProcessingError, GeminiVisionError, MediaAccessError


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

    A missing or foreign file (403/404) is a file problem, told as such; everything else (the
    key, rate limits, outages, timeouts, dropped connections) maps as on every other call path,
    through :func:`~._error_mapping.map_error`. ``step`` and ``attempts`` say how the retry loop
    gave up, so the message can tell that the call was tried several times, or that the server
    asked for a longer wait than allowed.
    """
    status = error_status(exc)
    context = CallContext(
        doing=f"{action} {name}",
        service="The File API",
        configure="GeminiFileManager(retry_policy=RetryPolicy(max_delay_s=...))",
        waiter="this manager",
    )
    mapped = map_error(exc, context, step=step, attempts=attempts)
    if status in (403, 404) and not key_rejected(exc):
        return _file_missing(status, name, action, waiting, str(getattr(exc, "message", "") or ""))
    if mapped is not None:
        return mapped
    return GeminiVisionError(
        f"Could not {action} {name}: {type(exc).__name__}: {redact(str(exc)).rstrip('.')}.",
        what_to_do="Check the network connection and retry.",
    )


def _file_missing(status: int, name: str, action: str, waiting: bool, message: str) -> Exception:
    if waiting:
        return FileProcessingError(
            f"{name} disappeared while waiting for it to become ACTIVE (deleted, or expired "
            "after 48 h). Upload the file again.",
            file_name=name,
            server_message=redact(message),
        )
    if status == 404:
        return MediaAccessError(
            f"Gemini file {name} does not exist: it was deleted, has expired (files are kept "
            "48 h), or the name is wrong. Upload the file again, or list your files with "
            "GeminiFileManager.list().",
            rule="not_found",
        )
    # The live API answers 403 alike for unknown, expired and other projects' files.
    return MediaAccessError(
        f"Cannot {action} Gemini file {name}: it does not exist, has expired (files are "
        "kept 48 h), or belongs to another project (a different API key). Upload the file "
        "again with this key, or use the key of the project that uploaded it.",
        rule="permission",
    )


def delete_answer(exc: BaseException, attempt: int, missing_ok: bool) -> bool:
    """What ``delete`` returns when ``exc`` says the file is gone; else ``exc`` is raised.

    "Gone" is a 404, or the 403 the live API answers alike for unknown and expired files. After
    a retry it means success: the attempt that seemed to fail may well have deleted the file.
    """
    if error_status(exc) in (403, 404) and (attempt > 1 or missing_ok):
        return attempt > 1
    raise exc
