"""The job file: what ``BatchJob.save`` writes and ``BatchJob.load`` reads back."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import resolve_llm
from langchain_gemini_vision._core.clock import WallClock, utc_now
from langchain_gemini_vision.batch._errors import BatchJobError
from langchain_gemini_vision.batch._items import ItemRecord

_FILE_VERSION = 1
_J = TypeVar("_J", bound="JobFileMixin")


class JobFileMixin:
    """Persistence of ``BatchJob`` (which provides the attributes declared here)."""

    name: str | None
    model: str
    display_name: str
    items: list[ItemRecord]
    batch_files: list[str]
    media_files: list[str]
    requests_path: Path | None
    path: Path | None

    def __init__(self, **kwargs: Any) -> None:  # pragma: no cover - BatchJob defines it
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """The job file's content."""
        return {
            "version": _FILE_VERSION,
            "name": self.name,
            "model": self.model,
            "display_name": self.display_name,
            "requests_path": str(self.requests_path) if self.requests_path else None,
            "batch_files": list(self.batch_files),
            "media_files": list(self.media_files),
            "items": [[i.key, i.index, i.kind, i.context] for i in self.items],
        }

    def save(self, path: str | os.PathLike[str] | None = None) -> Path | None:
        """Write the job file atomically (to ``path``, or where it was saved before)."""
        if path is not None:
            self.path = Path(path)
        if self.path is None:
            return None
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_json()), encoding="utf-8")
            os.replace(tmp, self.path)  # a crash mid-write never leaves a half job file
        except OSError as exc:
            raise BatchJobError(
                f"Could not write the job file {str(self.path)!r} ({exc.strerror or exc}); "
                "pass a job_path in a writable folder (with a short enough name).",
                job_name=self.name or "",
            ) from exc
        return self.path

    @classmethod
    def load(
        cls: type[_J],
        path: str | os.PathLike[str],
        *,
        llm: ChatGoogleGenerativeAI | None = None,
        now: WallClock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> _J:
        """Resume a saved job (no request is sent; call ``wait()`` or ``refresh()``).

        Raises:
            BatchJobError: The file is missing or not a job file.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            items = [
                ItemRecord(str(k), int(i), str(kind), dict(ctx))
                for k, i, kind, ctx in data["items"]
            ]
            requests = data.get("requests_path")
            return cls(
                llm=resolve_llm(llm),
                name=data.get("name"),
                model=str(data["model"]),
                display_name=str(data.get("display_name") or ""),
                items=items,
                batch_files=list(data.get("batch_files") or []),
                media_files=list(data.get("media_files") or []),
                requests_path=Path(requests) if requests else None,
                path=Path(path),
                now=now,
                sleep=sleep,
                clock=clock,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BatchJobError(
                f"Cannot read the batch job file {os.fspath(path)!r} ({type(exc).__name__}: "
                f"{exc}). Pass the path that submit_batch(job_path=...) wrote."
            ) from exc
