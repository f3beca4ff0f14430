"""``BatchJob``: a submitted Batch Mode job you can wait for, resume, read, retry and clean up.

The job file (``save``/``load``) holds everything another process needs to resume: the job's
name, the model, every item's key, input index and parse context, the uploads the job owns and
where the local copy of its requests is. The SDK drops ``batchStats`` and the operation's
``error`` (GEMINI-FACTS), so state and counts are read from the raw operation JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import genai_client
from langchain_gemini_vision._core.clock import WallClock, utc_now
from langchain_gemini_vision._core.item_result import ItemResult
from langchain_gemini_vision._core.validate import as_construction
from langchain_gemini_vision.batch._checks import check_clocks, check_job_fields
from langchain_gemini_vision.batch._convert import message_from_response
from langchain_gemini_vision.batch._create import Spool, create_remote, read_requests
from langchain_gemini_vision.batch._errors import (
    BatchJobError,
    as_item_error,
    item_error,
    missing_item_error,
)
from langchain_gemini_vision.batch._items import ItemRecord
from langchain_gemini_vision.batch._operation import (
    JobProgress,
    call_api,
    job_state,
    output_of,
    outputs_by_key,
)
from langchain_gemini_vision.batch._requests import BatchResult, finish_item
from langchain_gemini_vision.batch._store import JobFileMixin
from langchain_gemini_vision.batch._transcripts import (
    WINDOW_KIND,
    read_window_item,
    transcripts_of,
    window_transcript,
)
from langchain_gemini_vision.batch._waiting import WaitMixin
from langchain_gemini_vision.errors import GeminiVisionError, ResponseParseError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.types import TokenUsage, Transcript
from langchain_gemini_vision.video.transcription import WindowOutcome

_FILE_VERSION = 1
#: A job pending or running for longer than this expires without results (GEMINI-FACTS).
JOB_TTL = timedelta(hours=48)
ENDED_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"})


BatchItemResult = ItemResult[BatchResult]
"""One item of a batch job: ``key``, ``index``, ``result`` (CaptionResult, DetectionResult) or
``error``: a ``BatchItemError`` that is also the taxonomy class of the failure (a 429 item's is a
``RateLimitError``, an unreadable answer's a ``ResponseParseError``)."""


class BatchJob(WaitMixin, JobFileMixin):
    """A Batch Mode job. Build one with ``submit_batch`` or ``BatchJob.load``.

    Attributes:
        name: ``batches/...`` (None only between writing the job file and the create call).
        model: The model name.
        display_name: The job's display name.
        items: The items in input order.
        batch_files: ``files/...`` of the job's input JSONL and results file (owned).
        media_files: ``files/...`` of the media this job uploaded (owned).
        requests_path: Local JSONL copy of the requests (``retry_failed`` reads it).
        path: The job file, when the job is saved.
    """

    def __init__(
        self,
        *,
        llm: ChatGoogleGenerativeAI,
        name: str | None,
        model: str,
        display_name: str,
        items: list[ItemRecord],
        batch_files: list[str],
        media_files: list[str],
        requests_path: Path | None,
        path: Path | None = None,
        now: WallClock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        with as_construction("BatchJob"):
            check_job_fields(
                llm=llm,
                name=name,
                model=model,
                display_name=display_name,
                lists={"items": items, "batch_files": batch_files, "media_files": media_files},
                paths={"requests_path": requests_path, "path": path},
            )
            check_clocks(now=now, sleep=sleep, asleep=asleep, clock=clock)
        self.llm = llm  # kept: the model closes its client when garbage-collected
        self.name = name
        self.model = model
        self.display_name = display_name
        self.items = items
        self.batch_files = batch_files
        self.media_files = media_files
        self.requests_path = Path(requests_path) if requests_path is not None else None
        self.path = Path(path) if path is not None else None
        self.now = now
        self._sleep = sleep
        self._asleep = asleep
        self._clock = clock
        self._raw: dict[str, Any] = {}
        self._outcomes: dict[str, WindowOutcome] = {}

    def __repr__(self) -> str:
        return f"BatchJob({self.name!r}, {self.state}, {len(self.items)} items)"

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> str:
        """Last state seen: PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED or EXPIRED."""
        return job_state(self._raw) or "PENDING"

    @property
    def done(self) -> bool:
        """Whether the job has ended (in any state)."""
        return self.state in ENDED_STATES

    @property
    def progress(self) -> JobProgress:
        """Item counts from the last look at the job (``batchStats``)."""
        return JobProgress.of(self._raw, len(self.items))

    @property
    def expires_at(self) -> datetime | None:
        """When the API expires the job if it has not ended (``createTime`` + 48 h)."""
        created = (self._raw.get("metadata") or {}).get("createTime")
        if not created:
            return None
        # Up to 9 fraction digits and a "Z" on the wire; fromisoformat (3.10) takes 6 and +00:00.
        text = re.sub(r"(\.\d{6})\d+", r"\1", str(created)).replace("Z", "+00:00")
        try:
            return datetime.fromisoformat(text) + JOB_TTL
        except ValueError:
            return None

    def _require_name(self) -> str:
        if not self.name:
            raise BatchJobError(
                "This job was never created on the server (the process stopped before the "
                "create call answered). Submit the requests again.",
            )
        return self.name

    def refresh(self) -> BatchJob:
        """Read the job's current state and counts from the API."""
        name = self._require_name()
        self._raw = call_api(lambda: _raw_get(self.llm, name), name, "read")
        return self

    async def arefresh(self) -> BatchJob:
        """Async twin of :meth:`refresh`."""
        name = self._require_name()
        self._raw = await asyncio.to_thread(
            call_api, lambda: _raw_get(self.llm, name), name, "read"
        )
        return self

    def cancel(self) -> BatchJob:
        """Ask the API to cancel the job (it ends CANCELLED, without results)."""
        name = self._require_name()
        client = genai_client(self.llm)
        call_api(lambda: client.batches.cancel(name=name), name, "cancel")
        return self.refresh()

    # ------------------------------------------------------------------ results

    def _check_succeeded(self) -> None:
        if not self._raw:
            self.refresh()
        state = self.state
        if state == "SUCCEEDED":
            return
        error = self._raw.get("error") or {}
        message = str(error.get("message") or "") if isinstance(error, dict) else ""
        advice = {
            "FAILED": "The whole job failed; fix the cause above and submit the requests again.",
            "EXPIRED": "It was pending or running for 48 h and expired without results; submit "
            "the requests again (smaller jobs finish sooner).",
            "CANCELLED": "It was cancelled; submit the requests again to get results.",
        }.get(state, "Call wait() first: results exist only once the job has SUCCEEDED.")
        raise BatchJobError(
            f"Batch job {self.name} has no results: it is {state}"
            f"{' (' + message + ')' if message else ''}. {advice}",
            job_name=self.name or "",
            state=state,
            server_message=message,
        )

    def results(self, *, cleanup: bool = True) -> list[BatchItemResult]:
        """Every item's result or error, in input order (results are matched by key).

        Args:
            cleanup: Delete the job's batch files (input JSONL, results file) afterwards, and
                its media uploads too when no item failed (failed items keep their media for
                ``retry_failed``; ``cleanup()`` removes them).

        Raises:
            BatchJobError: The job did not succeed (failed, cancelled, expired, still running).
        """
        self._check_succeeded()
        name = self._require_name()
        results_file = output_of(self._raw).get("responsesFile")
        if results_file and results_file not in self.batch_files:
            self.batch_files.append(str(results_file))
            self.save()
        entries = call_api(lambda: outputs_by_key(self.llm, self._raw), name, "read results of")
        out: list[BatchItemResult] = []
        for item in self.items:
            entry = entries.pop(item.key, None)
            out.append(self._item_result(item, entry))
        if cleanup:
            failed = any(not r.ok for r in out)
            self.cleanup(keep_media=failed)
        return out

    def _item_result(self, item: ItemRecord, entry: dict[str, Any] | None) -> BatchItemResult:
        job = self.name or ""
        if entry is None:
            error = missing_item_error(item.key, index=item.index, job_name=job)
            return BatchItemResult(item.key, item.index, error=error)
        if isinstance(entry.get("error"), dict):
            error = item_error(item.key, entry["error"], index=item.index, job_name=job)
            return BatchItemResult(item.key, item.index, error=error)
        try:
            message = _read_response(item.key, entry.get("response"))
            if item.kind == WINDOW_KIND:
                outcome = read_window_item(item.context, message)
                self._outcomes[item.key] = outcome
                result: BatchResult = window_transcript(item.context, outcome, model=self.model)
            else:
                result = finish_item(item.kind, item.context, message, model=self.model)
        except GeminiVisionError as exc:
            typed = as_item_error(exc, key=item.key, index=item.index)
            return BatchItemResult(item.key, item.index, error=typed)
        return BatchItemResult(item.key, item.index, result=result)

    def combine(
        self, results: list[BatchItemResult], retry: BatchJob, retried: list[BatchItemResult]
    ) -> list[BatchItemResult]:
        """``results`` with the items of ``retry`` (its ``results()``) put in their slots."""
        self._outcomes.update(retry._outcomes)
        by_key = {r.key: r for r in retried}
        return [by_key.get(r.key, r) for r in results]

    def transcripts(self, results: list[BatchItemResult]) -> list[ItemResult[Transcript]]:
        """One ``Transcript`` per transcribed video, in input order, merged from its windows.

        Args:
            results: What ``results()`` returned (a video with a failed window gets that
                window's error; ``retry_failed`` then resends only that window).
        """
        pairs = [(i, r) for i, r in zip(self.items, results, strict=True) if i.kind == WINDOW_KIND]
        windows = [(i.key, i.index, i.context) for i, _ in pairs]
        found = [r for _, r in pairs]
        return transcripts_of(windows, found, self._outcomes, model=self.model)

    def usage(self, results: list[BatchItemResult]) -> TokenUsage:
        """Token usage summed over ``results`` (billed at the batch rate; see UsageReport)."""
        total = TokenUsage()
        for r in results:
            if r.result is not None:
                total = total + r.result.usage
        return total

    def retry_failed(
        self,
        results: list[BatchItemResult],
        *,
        job_path: str | os.PathLike[str] | None = None,
        display_name: str | None = None,
    ) -> BatchJob | None:
        """Submit only the failed items of ``results`` again, as a new job (None: none failed).

        The same requests are resent (read from the local copy), under the same keys and input
        indices, and the new job takes over this job's media uploads.

        Raises:
            BatchJobError: The local copy of the requests is gone.
        """
        failed = {r.key for r in results if not r.ok}
        if not failed:
            return None
        if self.requests_path is None or not self.requests_path.exists():
            raise BatchJobError(
                f"The local copy of the requests of {self.name} is missing ({self.requests_path}); "
                "submit the failed items again with submit_batch.",
                job_name=self.name or "",
            )
        path = Path(job_path) if job_path else None
        if path is None and self.path is not None:
            path = self.path.with_name(self.path.stem + ".retry" + self.path.suffix)
        requests_path = (path or self.requests_path).with_name(
            (path or self.requests_path).name + (".requests.jsonl" if path else ".retry")
        )
        spool = Spool(requests_path, inline_limit=0)
        for key, request in read_requests(self.requests_path, failed):
            spool.add(key, request, None)
        spool.close()
        retry = BatchJob(
            llm=self.llm,
            name=None,
            model=self.model,
            display_name=display_name or f"{self.display_name} (retry)",
            items=[i for i in self.items if i.key in failed],
            batch_files=[],
            media_files=self.media_files,
            requests_path=requests_path,
            path=path,
            now=self.now,
            sleep=self._sleep,
            asleep=self._asleep,
            clock=self._clock,
        )
        retry.save()
        self.media_files = []  # handed over: the retry job deletes them
        self.save()

        def persist(batch_files: list[str]) -> None:
            retry.batch_files = batch_files
            retry.save()

        retry.name, retry.batch_files = create_remote(
            self.llm,
            model=self.model,
            display_name=retry.display_name,
            spool=spool,
            manager=GeminiFileManager(self.llm, reuse=False),
            before_create=persist,
        )
        retry.save()
        return retry

    # ------------------------------------------------------------------ files

    def cleanup(self, *, keep_media: bool = False) -> list[str]:
        """Delete the files this job owns; returns the names deleted.

        Args:
            keep_media: Keep uploaded media (only the batch input and results files go).
        """
        manager = GeminiFileManager(self.llm, reuse=False)
        doomed = list(self.batch_files) + ([] if keep_media else list(self.media_files))
        for name in doomed:
            manager.delete(name, missing_ok=True)
        self.batch_files = []
        if not keep_media:
            self.media_files = []
        self.save()
        return doomed


def _read_response(key: str, response: Any) -> BaseMessage:
    """The item's ``AIMessage``; a response the SDK cannot read is that item's parse error."""
    try:
        return message_from_response(response if isinstance(response, dict) else {})
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # pydantic's is a ValueError
        raw = json.dumps(response, default=str)[:2000]
        raise ResponseParseError(
            f"The response of batch item {key!r} is not a GenerateContentResponse the SDK can "
            f"read ({type(exc).__name__}: {str(exc)[:200]}). Retry it with job.retry_failed(), "
            "or read raw_text.",
            raw_text=raw,
        ) from exc


def _raw_get(llm: ChatGoogleGenerativeAI, name: str) -> dict[str, Any]:
    # The SDK's batches.get drops batchStats and error (GEMINI-FACTS): read the raw operation.
    response = genai_client(llm)._api_client.request("get", name, {}, None)
    body: dict[str, Any] = json.loads(response.body or "{}")
    return body
