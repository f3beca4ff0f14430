"""Records of the fake server's Batch Mode: a job, its operation JSON, and scripted item faults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._rules import GenerateRequest

BATCH_TTL = timedelta(hours=48)
_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."
ENDED = {"SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"}

#: Decides whether an item fails: ``(key, parsed request)`` -> bool.
ItemPredicate = Callable[[str, GenerateRequest], bool]


@dataclass
class ItemFault:
    """A scripted per-item failure (see ``fail_batch_items``)."""

    predicate: ItemPredicate
    code: int
    message: str | None
    remaining: int | None
    hits: int = 0

    def claim(self, key: str, req: GenerateRequest) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if not self.predicate(key, req):
            return False
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
        return True


@dataclass
class BatchRecord:
    """One batch job as the fake stores it. Mutate only through the server's methods.

    Attributes:
        name: ``batches/<id>``.
        model: Bare model name.
        display_name: As given at create.
        items: ``(key, metadata, request)`` per input, in input order.
        from_file: The input ``files/...`` name, or None for inline requests.
        state: Wire state without the ``BATCH_STATE_`` prefix.
        polls: ``batches.get`` calls answered so far.
        output: ``metadata.output`` once SUCCEEDED.
        error: The operation's ``error`` when FAILED.
        stats: ``(succeeded, failed)`` item counts once the items ran.
    """

    name: str
    model: str
    display_name: str | None
    items: list[tuple[str, Any, dict[str, Any]]]
    from_file: str | None
    create_time: datetime
    update_time: datetime
    end_time: datetime | None = None
    state: str = "PENDING"
    polls: int = 0
    output: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    stats: tuple[int, int] = (0, 0)

    @property
    def id(self) -> str:
        return self.name.split("/", 1)[1]

    def to_json(self) -> dict[str, Any]:
        """The operation in the live API's shape."""
        count = len(self.items)
        ok, failed = self.stats
        stats: dict[str, str] = {"requestCount": str(count)}
        if self.state in ("PENDING", "RUNNING"):
            stats["pendingRequestCount"] = str(count)
        elif self.state == "SUCCEEDED":
            stats["successfulRequestCount"] = str(ok)
            if failed:
                stats["failedRequestCount"] = str(failed)
        meta: dict[str, Any] = {
            "@type": _TYPE + "GenerateContentBatch",
            "model": f"models/{self.model}",
        }
        if self.display_name is not None:
            meta["displayName"] = self.display_name
        meta["createTime"] = _wire.format_time(self.create_time)
        if self.end_time is not None:
            meta["endTime"] = _wire.format_time(self.end_time)
        meta["updateTime"] = _wire.format_time(self.update_time)
        meta["batchStats"] = stats
        meta["state"] = "BATCH_STATE_" + self.state
        meta["name"] = self.name
        if self.output is not None:
            meta["output"] = self.output
        out: dict[str, Any] = {"name": self.name, "metadata": meta}
        if self.state in ENDED:
            out["done"] = True
        if self.error is not None:
            out["error"] = self.error
        if self.output is not None:
            out["response"] = {"@type": _TYPE + "GenerateContentBatchOutput", **self.output}
        return out


@dataclass
class BatchState:
    jobs: dict[str, BatchRecord] = field(default_factory=dict)
    faults: list[ItemFault] = field(default_factory=list)
    downloads: dict[str, bytes] = field(default_factory=dict)


def page_json(
    records: list[Any], query: dict[str, str], field: str, default_size: int
) -> dict[str, Any]:
    """One page of a list answer: ``{field: [...], "nextPageToken"}`` (both left out if unset)."""
    size = max(1, min(int(query.get("pageSize") or default_size), 1000))
    start = int(query.get("pageToken") or 0)
    out: dict[str, Any] = {}
    if page := records[start : start + size]:
        out[field] = [r.to_json() for r in page]
    if start + size < len(records):
        out["nextPageToken"] = str(start + size)
    return out
