"""Creating a job on the server: inline under the request limit, else a JSONL file upload.

Every request line is written to a local JSONL copy as it is built (``retry_failed`` reads it
later), so a job of any size holds at most one inline body's worth of requests in memory: the
SDK objects are kept only while the job still fits inline, and dropped once it does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from google.genai import types
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import genai_client
from langchain_gemini_vision.batch._operation import call_api
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import INLINE_LIMIT_BYTES

#: Room for the create body's envelope and the SDK's JSON spacing (json.dumps adds ", ").
_INLINE_MARGIN = 256 * 1024
JSONL_MIME = "application/jsonl"


class Spool:
    """The requests of one job: a local JSONL file, plus SDK objects while they fit inline."""

    def __init__(self, path: Path, *, inline_limit: int = INLINE_LIMIT_BYTES) -> None:
        self.path = path
        self.count = 0
        self.body_bytes = 0
        self.limit = max(0, inline_limit - _INLINE_MARGIN)
        self.inline: list[types.InlinedRequest] | None = []
        self._out: IO[str] = path.open("w", encoding="utf-8")

    @property
    def wants_sdk(self) -> bool:
        """Whether the job may still go inline (so the SDK request object is worth building)."""
        return self.inline is not None

    def add(self, key: str, request: dict[str, Any], sdk: types.InlinedRequest | None) -> None:
        """Write one request line; keep ``sdk`` while the job still fits inline."""
        line = json.dumps({"key": key, "request": request}, ensure_ascii=False)
        self._out.write(line + "\n")
        self.count += 1
        # The inline body carries the same request plus {"metadata": {"key": ...}} framing.
        self.body_bytes += len(line.encode("utf-8")) + 32
        if self.inline is not None:
            if sdk is None or self.body_bytes > self.limit:
                self.inline = None  # from here on the job goes through a file
            else:
                self.inline.append(sdk)

    def close(self) -> None:
        """Flush the JSONL file."""
        self._out.close()


def read_requests(path: Path, keys: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """The ``(key, request)`` lines of ``path`` whose key is in ``keys``, in file order."""
    found: list[tuple[str, dict[str, Any]]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            if entry["key"] in keys:
                found.append((str(entry["key"]), entry["request"]))
    return found


def create_remote(
    llm: ChatGoogleGenerativeAI,
    *,
    model: str,
    display_name: str,
    spool: Spool,
    manager: GeminiFileManager,
    before_create: Callable[[list[str]], None],
) -> tuple[str, list[str]]:
    """Create the job; returns its name and the batch files it owns.

    ``before_create`` receives the owned batch files just before the (not idempotent) create
    call, so the caller can persist them; the caller must persist the name right after.
    """
    client = genai_client(llm)
    config = types.CreateBatchJobConfig(display_name=display_name)
    if spool.inline is not None and spool.inline:
        before_create([])
        src: Any = spool.inline
        job = call_api(
            lambda: client.batches.create(model=model, src=src, config=config),
            display_name,
            "create batch job",
        )
        return str(job.name), []
    uploaded = manager.upload(
        spool.path, mime_type=JSONL_MIME, display_name=f"{display_name} requests"
    )
    owned = [uploaded.name]
    before_create(owned)
    job = call_api(
        lambda: client.batches.create(model=model, src=uploaded.name, config=config),
        display_name,
        "create batch job",
    )
    return str(job.name), owned
