"""Errors of Batch Mode: ``GeminiVisionError`` subclasses kept next to the code that raises them."""

from __future__ import annotations

from langchain_gemini_vision.errors import GeminiVisionError


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
    """One item of a job failed on the server (the other items are unaffected).

    Attributes:
        key: The item's key.
        code: The item error's code (HTTP-style: 400, 429, 500...); also ``status``.
        status_name: The gRPC status name, when given (``"INTERNAL"``).
        server_message: The item error's message.
    """

    def __init__(
        self, message: str, *, key: str, code: int, status: str = "", server_message: str = ""
    ) -> None:
        super().__init__(message, status=code or None, server_message=server_message)
        self.key = key
        self.code = code
        self.status_name = status

    @property
    def retryable(self) -> bool:
        """Whether resubmitting may succeed (rate limits and server errors)."""
        return self.code in (408, 429) or self.code >= 500


def item_error(key: str, error: dict[str, object]) -> BatchItemError:
    """A ``BatchItemError`` from a result line's ``error`` object, with a next step."""
    raw_code = error.get("code", 0)
    code = int(raw_code) if isinstance(raw_code, int | str) and str(raw_code).isdigit() else 0
    message = str(error.get("message") or "").strip()
    status = str(error.get("status") or "")
    advice = (
        "retry it with job.retry_failed()"
        if code in (408, 429) or code >= 500
        else "fix the input (see the message) and submit it again"
    )
    return BatchItemError(
        f"Batch item {key!r} failed on the server (code {code}"
        f"{', ' + status if status else ''}: {message or 'no message'}); {advice}.",
        key=key,
        code=code,
        status=status,
        server_message=message,
    )
