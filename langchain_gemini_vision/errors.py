"""The error hierarchy of langchain-gemini-vision.

Every error the package raises on purpose derives from :class:`GeminiVisionError`, and its message
says what went wrong *and what to do next*. Messages never contain the API key.
"""

from __future__ import annotations

from typing import Any


class GeminiVisionError(Exception):
    """Base class of every error raised by langchain-gemini-vision.

    Attributes:
        status: The HTTP status behind the error when a server answered one (else None).
        server_message: What the server said, with any API key redacted ("" when none).
        what_to_do: The next step for the user (also the end of ``str(error)``).
    """

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        server_message: str = "",
        what_to_do: str = "",
    ) -> None:
        if what_to_do and what_to_do not in message:
            message = f"{message} {what_to_do}".strip()
        super().__init__(message)
        self.status = status
        self.server_message = server_message
        self.what_to_do = what_to_do


class ConfigurationError(GeminiVisionError):
    """The package is not configured to make a call (e.g. no API key in the environment)."""


class AuthenticationError(ConfigurationError):
    """Gemini refused the API key: invalid (400 ``API_KEY_INVALID``), 401, or 403 for the key.

    A subclass of :class:`ConfigurationError`, which is what a rejected key raised before this
    class existed, so ``except ConfigurationError`` keeps catching it.
    """


class UnsupportedMediaError(GeminiVisionError):
    """The media's content (sniffed from its bytes) is not a type Gemini accepts here."""


class MediaAccessError(GeminiVisionError):
    """A media reference was refused by the trust policy or could not be read.

    Attributes:
        rule: Short name of the rule that refused (``"allowed_dirs"``, ``"ssrf"``, ``"size"``, ...).
    """

    def __init__(self, message: str, *, rule: str = "access") -> None:
        super().__init__(message)
        self.rule = rule


class MediaTooLargeError(MediaAccessError):
    """The media exceeds a documented limit (e.g. 2 GB per File API file)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, rule="size")


class FileProcessingError(GeminiVisionError):
    """The File API reported a file as FAILED (or it vanished while we waited).

    Attributes:
        file_name: The ``files/...`` name.
        server_message: The server's ``error.message``, when it gave one.
    """

    def __init__(self, message: str, *, file_name: str = "", server_message: str = "") -> None:
        super().__init__(message)
        self.file_name = file_name
        self.server_message = server_message


class FileProcessingTimeout(GeminiVisionError):
    """A file did not become ACTIVE before the deadline.

    Attributes:
        file_name: The ``files/...`` name.
        elapsed_s: Seconds waited.
        last_state: The last state the server reported.
    """

    def __init__(
        self, message: str, *, file_name: str = "", elapsed_s: float = 0.0, last_state: str = ""
    ) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.elapsed_s = elapsed_s
        self.last_state = last_state


class ResponseParseError(GeminiVisionError):
    """The model's answer could not be parsed into the expected structure.

    Attributes:
        raw_text: The model's raw text, for debugging or a custom re-parse.
    """

    def __init__(self, message: str, *, raw_text: str = "") -> None:
        super().__init__(message)
        self.raw_text = raw_text


class ResponseBlockedError(GeminiVisionError):
    """The model refused to answer (safety, recitation, blocked prompt).

    Attributes:
        reason: The finish or block reason the API gave (e.g. ``"SAFETY"``).
    """

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class InvalidYouTubeURLError(GeminiVisionError):
    """A string is not a link to a single public YouTube video that Gemini can read."""


class InvalidRequestError(GeminiVisionError):
    """An argument is out of range before anything is sent, or Gemini refused the request (400).

    Attributes:
        size_bytes: For a payload too large, the size of the media sent inline (else None).
        limit_bytes: For a payload too large, the limit the server named (else None).
    """

    def __init__(
        self,
        message: str = "",
        *,
        size_bytes: int | None = None,
        limit_bytes: int | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message, **fields)
        self.size_bytes = size_bytes
        self.limit_bytes = limit_bytes


class RateLimitError(GeminiVisionError):
    """Gemini answered 429: a rate limit or quota was hit (retried first, when allowed).

    Attributes:
        retry_after_s: The delay the server asked for (``google.rpc.RetryInfo.retryDelay`` or
            "Please retry in N s"), or None when it named none.
    """

    def __init__(
        self, message: str = "", *, retry_after_s: float | None = None, **fields: Any
    ) -> None:
        fields.setdefault("status", 429)
        super().__init__(message, **fields)
        self.retry_after_s = retry_after_s


class ServiceUnavailableError(GeminiVisionError):
    """Gemini failed on its side (500, 502, 503 "model overloaded"), after the retries."""


class RequestTimeoutError(GeminiVisionError):
    """A call took too long: the server answered 408 or 504, or the client's timeout expired."""


class ConnectionLostError(GeminiVisionError):
    """The connection could not be made or was dropped before an answer arrived."""
