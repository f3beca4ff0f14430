"""CLI exit codes and one-line error messages (never a traceback, never the API key)."""

from __future__ import annotations

from langchain_gemini_vision._core.error_mapping import causes, redact
from langchain_gemini_vision.errors import (
    ConfigurationError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    InvalidRequestError,
    InvalidYouTubeURLError,
    MediaAccessError,
    UnsupportedMediaError,
)

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_PROCESSING = 4
EXIT_CONFIG = 5
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0  success
  1  the model or the API failed (error answer, blocked or unparseable reply, network)
  2  usage error (bad option or argument value)
  3  bad input: media missing, unreadable, unsupported, too large or refused; bad YouTube link
  4  File API processing failed (FAILED state) or did not finish before --timeout
  5  configuration: no API key (set GOOGLE_API_KEY or GEMINI_API_KEY), or the key was rejected
"""

_MAX_CHARS = 400


def _api_error(exc: BaseException) -> tuple[int | None, str, str] | None:
    """``(code, status, message)`` of the google-genai API error behind ``exc``, if any."""
    from google.genai import errors as genai_errors

    for item in causes(exc):
        if isinstance(item, genai_errors.APIError):
            return item.code, str(item.status or ""), str(item.message or "")
    return None


def _is_network(exc: BaseException) -> bool:
    names = {type(item).__name__ for item in causes(exc)}
    return bool(names & {"ConnectError", "ConnectTimeout", "ReadTimeout", "RemoteProtocolError"})


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code for an error (see :data:`EXIT_CODES_HELP`)."""
    if isinstance(exc, ConfigurationError):
        return EXIT_CONFIG
    if isinstance(exc, (FileProcessingError, FileProcessingTimeout)):
        return EXIT_PROCESSING
    if isinstance(exc, (MediaAccessError, UnsupportedMediaError, InvalidYouTubeURLError)):
        if "API key not valid" in str(exc):
            return EXIT_CONFIG
        return EXIT_INPUT
    if isinstance(exc, InvalidRequestError) and exc.status is None:
        return EXIT_USAGE  # refused before sending; a server's refusal is an API failure
    api = _api_error(exc)
    if api is not None and ("API key not valid" in api[2] or api[1] == "UNAUTHENTICATED"):
        return EXIT_CONFIG
    return EXIT_API


def one_line(exc: BaseException) -> str:
    """A short, single-line description of ``exc`` for people."""
    api = _api_error(exc)
    if isinstance(exc, GeminiVisionError) and exc.what_to_do:
        text = str(exc)  # already says what failed and what to do next
    elif api is not None and not isinstance(exc, (FileProcessingError, MediaAccessError)):
        code, status, message = api
        text = f"Gemini API error {code} {status}: {message}".replace("  ", " ")
    elif _is_network(exc):
        text = f"cannot reach the Gemini API ({exc}); check your network or GEMINI_VISION_BASE_URL"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(redact(text).split())
    return text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 3] + "..."
