"""The error hierarchy of langchain-gemini-vision.

Every error the package raises on purpose derives from :class:`GeminiVisionError`, and its message
says what went wrong *and what to do next*. Messages never contain the API key.
"""

from __future__ import annotations


class GeminiVisionError(Exception):
    """Base class of every error raised by langchain-gemini-vision."""


class ConfigurationError(GeminiVisionError):
    """The package is not configured to make a call (e.g. no API key in the environment)."""


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
    """An argument is out of range (offsets, fps, empty target...) before anything is sent."""
