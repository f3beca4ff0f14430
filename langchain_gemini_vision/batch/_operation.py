"""Reading the raw batch operation JSON, fetching its outputs, and mapping SDK errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import genai_client
from langchain_gemini_vision._core.error_mapping import CallContext, key_rejected, map_error, redact
from langchain_gemini_vision._core.polling import error_status
from langchain_gemini_vision.batch._errors import BatchJobError
from langchain_gemini_vision.errors import GeminiVisionError

_T = TypeVar("_T")


@dataclass(frozen=True)
class JobProgress:
    """Item counts of a job (from the operation's raw ``batchStats``).

    Attributes:
        total: Items in the job.
        pending: Items not finished yet.
        succeeded: Items with a response.
        failed: Items with an error.
    """

    total: int
    pending: int
    succeeded: int
    failed: int

    @classmethod
    def of(cls, raw: dict[str, Any], total: int) -> JobProgress:
        """Counts from an operation (int64 fields travel as strings)."""
        stats = (raw.get("metadata") or {}).get("batchStats") or {}

        def count(field: str) -> int:
            try:
                return int(stats.get(field) or 0)
            except (TypeError, ValueError):
                return 0

        total = count("requestCount") or total
        return cls(
            total,
            count("pendingRequestCount"),
            count("successfulRequestCount"),
            count("failedRequestCount"),
        )

    @property
    def finished(self) -> int:
        """Items with a response or an error."""
        return self.succeeded + self.failed

    def describe(self) -> str:
        """``"120/200 items done, 3 failed"``."""
        return f"{self.finished}/{self.total} items done, {self.failed} failed"


def job_state(raw: dict[str, Any]) -> str:
    """``SUCCEEDED`` from ``BATCH_STATE_SUCCEEDED`` (also accepts the SDK's ``JOB_STATE_*``)."""
    state = str((raw.get("metadata") or {}).get("state") or "")
    for prefix in ("BATCH_STATE_", "JOB_STATE_"):
        state = state.removeprefix(prefix)
    return state


def output_of(raw: dict[str, Any]) -> dict[str, Any]:
    """The job's output (``metadata.output``, else ``response``)."""
    output = (raw.get("metadata") or {}).get("output") or raw.get("response") or {}
    return output if isinstance(output, dict) else {}


def outputs_by_key(llm: ChatGoogleGenerativeAI, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every result entry (``response`` or ``error``) by item key; never matched by position."""
    output = output_of(raw)
    entries: dict[str, dict[str, Any]] = {}
    file_name = output.get("responsesFile")
    if file_name:
        data = genai_client(llm).files.download(file=str(file_name))
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                entries[str(entry.get("key", ""))] = entry
        return entries
    inlined = (output.get("inlinedResponses") or {}).get("inlinedResponses") or []
    for entry in inlined:
        meta = entry.get("metadata") or {}
        entries[str(meta.get("key", ""))] = entry
    return entries


def call_api(call: Callable[[], _T], name: str, action: str) -> _T:
    """Run an SDK call, mapping its errors to ours with a next step (never the key itself)."""
    try:
        return call()
    except GeminiVisionError:
        raise
    except Exception as exc:
        raise api_error(exc, name, action) from exc


def api_error(exc: BaseException, name: str, action: str) -> GeminiVisionError:
    """Our error for a failed Batch Mode call: the shared taxonomy, job-specific for 403/404."""
    status = error_status(exc)
    if status in (403, 404) and not key_rejected(exc):
        message = str(getattr(exc, "message", "") or "").strip().rstrip(".")
        return BatchJobError(
            f"Cannot {action} {name} (HTTP {status}{': ' + message if message else ''}): it does "
            "not exist, was deleted, or belongs to another project (a different API key). List "
            "jobs with client.batches.list().",
            job_name=name,
            server_message=redact(message),
        )
    context = CallContext(doing=f"{action} {name}", service="Gemini Batch Mode")
    return map_error(exc, context) or GeminiVisionError(
        f"Could not {action} {name}: {type(exc).__name__}: {redact(str(exc))}",
        what_to_do="A saved job can be resumed with BatchJob.load(path).",
    )
