"""Batch Mode of the fake server: ``models/*:batchGenerateContent``, ``batches/*`` and downloads.

Wire format as in GEMINI-FACTS ("Batch Mode"): every answer is an operation whose ``metadata``
holds the ``GenerateContentBatch`` (state ``BATCH_STATE_*``, ``batchStats`` with int64 strings),
``done: true`` only at the end, results in ``metadata.output`` and again in ``response``.

Jobs move on a controllable schedule instead of real time: each ``batches.get`` is one poll
(``batch_pending_polls`` then ``batch_running_polls``), ``advance_batches()`` pushes jobs one step
by hand, and a job still pending or running 48 hours after creation (measured with ``now``)
becomes EXPIRED. Items are answered by the same rules as ``generateContent``; per-item failures
are scripted with ``fail_batch_items``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._batch_records import (
    BATCH_TTL,
    ENDED,
    BatchRecord,
    BatchState,
    ItemFault,
    ItemPredicate,
    page_json,
)
from langchain_gemini_vision.testing._files import FileStore, new_file_id
from langchain_gemini_vision.testing._http import Response
from langchain_gemini_vision.testing._rules import GenerateRequest, Reply

_VERSION = r"(?P<version>v1beta|v1alpha|v1)"
_CREATE_RE = re.compile(rf"^/{_VERSION}/models/(?P<model>[^/:]+):batchGenerateContent$")
_BATCHES_RE = re.compile(rf"^/{_VERSION}/batches$")
_BATCH_RE = re.compile(rf"^/{_VERSION}/batches/(?P<id>[^/:]+)(?::(?P<verb>[A-Za-z]+))?$")
_DOWNLOAD_RE = re.compile(rf"^(?:/download)?/{_VERSION}/files/(?P<id>[^/:]+):download$")


class BatchApiMixin:
    """Batch Mode endpoints and test controls of ``FakeGeminiServer``.

    Attributes:
        batch_pending_polls: A new job answers PENDING to this many ``batches.get`` calls.
        batch_running_polls: Then RUNNING to this many before its items run.
        batch_hold: When True, polls do not move jobs; only ``advance_batches`` does.
    """

    batch_pending_polls: int = 0
    batch_running_polls: int = 0
    batch_hold: bool = False

    # Provided by FakeGeminiServer and its other mixins.
    _lock: threading.RLock
    _store: FileStore
    now: Callable[[], datetime]
    _check_model: Callable[[str, str, str], None]
    _answer: Callable[[GenerateRequest], tuple[Reply, float]]
    _render: Callable[..., Response]
    _parse: Callable[..., GenerateRequest]
    _expand_cached: Callable[[Any, str], tuple[Any, int]]
    _add_cached_usage: Callable[[Any, int], Any]

    @property
    def _batch_state(self) -> BatchState:
        state: BatchState | None = self.__dict__.get("_batch_state_obj")
        if state is None:
            state = self.__dict__.setdefault("_batch_state_obj", BatchState())
        return state

    # ------------------------------------------------------------------ test controls

    @property
    def batches(self) -> dict[str, BatchRecord]:
        """Batch jobs by name (live records)."""
        return self._batch_state.jobs

    def clear_batch_faults(self) -> None:
        """Forget every ``fail_batch_items`` script."""
        with self._lock:
            self._batch_state.faults.clear()

    def fail_batch_items(
        self,
        match: ItemPredicate | Iterable[str],
        *,
        code: int = 500,
        message: str | None = None,
        times: int | None = None,
    ) -> ItemFault:
        """Make matching batch items end with an error entry instead of a response.

        Args:
            match: Item keys, or a predicate ``(key, request) -> bool``.
            code: The item error's code (HTTP-style, e.g. 400, 429, 500).
            message: The error message (the status's default when None).
            times: Fail at most this many items in total (None: every match, every time).
        """
        if callable(match):
            predicate: ItemPredicate = match
        else:
            keys = set(match)

            def predicate(key: str, _req: GenerateRequest) -> bool:
                return key in keys

        fault = ItemFault(predicate, code, message, times)
        with self._lock:
            self._batch_state.faults.append(fault)
        return fault

    def advance_batches(self, name: str | None = None, *, to_end: bool = False) -> None:
        """Move unfinished jobs one step (PENDING -> RUNNING -> done), or straight to the end."""
        with self._lock:
            for record in list(self._batch_state.jobs.values()):
                if name not in (None, record.name) or record.state in ENDED:
                    continue
                if record.state == "PENDING" and not to_end:
                    self._set_state(record, "RUNNING")
                else:
                    self._complete(record)

    def fail_batch(self, name: str, message: str = "Batch processing failed.") -> None:
        """End job ``name`` as FAILED (a job-level failure: no results)."""
        with self._lock:
            record = self._batch(name.removeprefix("batches/"))
            record.error = {"code": 13, "message": message}
            self._set_state(record, "FAILED")

    # ------------------------------------------------------------------ routing

    def _route_batches(
        self, method: str, path: str, body: Any, query: dict[str, str]
    ) -> Response | None:
        """Answer a Batch Mode request, or None when ``path`` is not one."""
        if (m := _CREATE_RE.match(path)) and method == "POST":
            self._check_model(m["model"], m["version"], "batchGenerateContent")
            return Response.of_json(self._create_batch(m["model"], body).to_json())
        if _BATCHES_RE.match(path) and method == "GET":
            return Response.of_json(self._list_batches(query))
        if m := _BATCH_RE.match(path):
            record = self._batch(m["id"])
            if method == "GET" and not m["verb"]:
                return Response.of_json(self._poll(record).to_json())
            if method == "POST" and m["verb"] == "cancel":
                self._cancel(record)
                return Response.of_json({})
            if method == "DELETE" and not m["verb"]:
                with self._lock:
                    self._batch_state.jobs.pop(record.name, None)
                return Response.of_json({})
            raise _wire.ApiError(404, f"Method not found: {method} {path}")
        if (m := _DOWNLOAD_RE.match(path)) and method == "GET":
            return self._download(m["id"])
        return None

    def _batch(self, batch_id: str) -> BatchRecord:
        with self._lock:
            record = self._batch_state.jobs.get(f"batches/{batch_id}")
        if record is None:
            raise _wire.ApiError(404, "Requested entity was not found.")
        return record

    def _list_batches(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            jobs = [self._expire(r) for r in self._batch_state.jobs.values()]
        ordered = sorted(jobs, key=lambda r: r.create_time, reverse=True)
        return page_json(ordered, query, "operations", 50)

    # ------------------------------------------------------------------ lifecycle

    def _create_batch(self, model: str, body: Any) -> BatchRecord:
        if not isinstance(body, dict) or set(body) - {"batch"}:
            raise _wire.unknown_field(next(iter(set(body or {}) - {"batch"}), "batch"))
        batch = body.get("batch")
        if not isinstance(batch, dict):
            raise _wire.invalid_argument(
                "* BatchGenerateContentRequest.batch: batch is required.\n"
            )
        for key in batch:
            if key not in ("displayName", "display_name", "inputConfig", "input_config", "model"):
                raise _wire.unknown_field(key, "batch")
        config = batch.get("inputConfig") or batch.get("input_config") or {}
        items, from_file = self._read_input(config)
        now = self.now()
        with self._lock:
            name = f"batches/{new_file_id()}"
            record = BatchRecord(
                name=name,
                model=model,
                display_name=batch.get("displayName") or batch.get("display_name"),
                items=items,
                from_file=from_file,
                create_time=now,
                update_time=now,
            )
            self._batch_state.jobs[name] = record
        return record

    def _read_input(self, config: Any) -> tuple[list[tuple[str, Any, dict[str, Any]]], str | None]:
        if not isinstance(config, dict):
            raise _wire.invalid_argument("Invalid value at 'batch.input_config'")
        file_name = config.get("fileName") or config.get("file_name")
        if file_name:
            record = self._store.lookup(str(file_name).removeprefix("files/"))
            if len(record.head) != record.size_bytes:
                raise _wire.invalid_argument(
                    f"FakeGeminiServer kept only {len(record.head)} of {record.size_bytes} bytes "
                    f"of {record.name}: upload batch input with MIME type application/jsonl."
                )
            items = []
            for n, line in enumerate(record.head.decode("utf-8").splitlines()):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    raise _wire.invalid_argument(
                        f"Invalid JSON on line {n + 1} of {record.name}."
                    ) from None
                if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
                    raise _wire.invalid_argument(
                        f"Line {n + 1} of {record.name} has no 'request' object."
                    )
                items.append((str(entry.get("key", "")), None, entry["request"]))
            return items, record.name
        requests = (config.get("requests") or {}).get("requests")
        if not isinstance(requests, list) or not requests:
            raise _wire.invalid_argument(
                "* BatchGenerateContentRequest.batch.input_config: set requests.requests or "
                "fileName.\n"
            )
        inline = []
        for n, entry in enumerate(requests):
            if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
                raise _wire.invalid_argument(
                    f"Invalid value at 'batch.input_config.requests.requests[{n}]'"
                )
            meta = entry.get("metadata")
            key = str(meta.get("key", n)) if isinstance(meta, dict) else str(n)
            inline.append((key, meta, entry["request"]))
        return inline, None

    def _set_state(self, record: BatchRecord, state: str) -> None:
        record.state = state
        record.update_time = self.now()
        if state in ENDED:
            record.end_time = record.update_time

    def _expire(self, record: BatchRecord) -> BatchRecord:
        if record.state in ("PENDING", "RUNNING") and self.now() - record.create_time >= BATCH_TTL:
            self._set_state(record, "EXPIRED")
        return record

    def _poll(self, record: BatchRecord) -> BatchRecord:
        with self._lock:
            self._expire(record)
            if record.state in ENDED or self.batch_hold:
                return record
            record.polls += 1
            if record.polls <= self.batch_pending_polls:
                return record
            if record.polls <= self.batch_pending_polls + self.batch_running_polls:
                if record.state != "RUNNING":
                    self._set_state(record, "RUNNING")
                return record
            self._complete(record)
            return record

    def _cancel(self, record: BatchRecord) -> None:
        with self._lock:
            self._expire(record)
            if record.state in ENDED:
                raise _wire.ApiError(
                    400,
                    f"Batch {record.name} has already ended ({record.state}).",
                    grpc_status="FAILED_PRECONDITION",
                )
            self._set_state(record, "CANCELLED")

    # ------------------------------------------------------------------ running the items

    def _complete(self, record: BatchRecord) -> None:
        """Run every item and store the output in the shape of the job's input."""
        results = [
            self._run_item(key, request, record.model) for key, _meta, request in record.items
        ]
        failed = sum(1 for r in results if "error" in r)
        record.stats = (len(results) - failed, failed)
        if record.from_file is None:
            entries = [
                {**result, "metadata": meta} if meta is not None else result
                for (_key, meta, _req), result in zip(record.items, results, strict=True)
            ]
            record.output = {"inlinedResponses": {"inlinedResponses": entries}}
        else:
            lines = [
                {"key": key, **result}
                for (key, _m, _r), result in zip(record.items, results, strict=True)
            ]
            # The live API gives no order guarantee; shuffling makes clients match by key.
            random.Random(record.id).shuffle(lines)
            data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
            file_name = f"files/batch-{record.id}"
            file = self._store.add(
                name=file_name,
                display_name=f"{record.name} responses",
                mime_type="application/jsonl",
                size_bytes=len(data),
                sha256_hex=hashlib.sha256(data).hexdigest(),
                head=data,
                state="ACTIVE",
                create_time=None,
                expiration_time=None,
                video_duration_s=None,
                error_message=None,
            )
            file.source = "GENERATED"
            self._batch_state.downloads[file_name] = data
            record.output = {"responsesFile": file_name}
        self._set_state(record, "SUCCEEDED")

    def _run_item(self, key: str, request: dict[str, Any], model: str) -> dict[str, Any]:
        try:
            body, cached = self._expand_cached(request, model)
            req = self._parse(body, model, stream=False)
            fault = next((f for f in self._batch_state.faults if f.claim(key, req)), None)
            if fault is not None:
                return {"error": _item_error(fault.code, fault.message)}
            reply, _latency = self._answer(req)  # no sleeping: the job's time is emulated
            if reply.error_status is not None:
                return {"error": _item_error(reply.error_status, reply.error_message)}
            response = self._render(req, reply, sse=False).json
            return {"response": self._add_cached_usage(response, cached)}
        except _wire.ApiError as err:
            return {"error": dict(err.body["error"])}

    def _download(self, file_id: str) -> Response:
        record = self._store.lookup(file_id)
        data = self._batch_state.downloads.get(record.name)
        if data is None:
            raise _wire.invalid_argument(
                f"File {record.name} was uploaded, and uploaded files cannot be downloaded; only "
                "generated files (e.g. batch results) can."
            )
        return Response(headers={"Content-Type": "application/octet-stream"}, body=data)


def _item_error(code: int, message: str | None) -> dict[str, Any]:
    return dict(_wire.error_body(code, message)["error"])
