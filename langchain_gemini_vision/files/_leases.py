"""Leases on shared temporary uploads, and the record of uploads whose deletion failed.

**Leases (one process).** Calls with identical content share one upload through the reuse index.
Every call that routes media through an upload (the one that created it and every one that reused
it) holds a lease on the remote file while it uses it. A call that created a temporary upload asks
for its deletion when it releases; the DELETE is sent only when the *last* lease is released, so
nothing is deleted under a live call. A name being deleted cannot be leased again: a call that
looks it up then uploads its own copy instead. The table is process-wide (every
``GeminiFileManager`` of the process shares it, across threads and asyncio tasks), keyed by
endpoint and file name. A call asked to keep its upload (``keep_upload=True``) reports the file to
its caller, so a file any holder keeps is never deleted by another holder.

**Across processes** there are no leases: the reuse index is per user and shared, but a lease
would need a lock that outlives a crashed process. A call in another process that reuses a
temporary upload may therefore see it deleted; to share uploads between processes, keep them
(``keep_upload=True`` / ``delete_after=False``), and delete them later with ``files rm --owned``.

**Pending deletions.** A DELETE that still fails after the retry policy is recorded as one small
JSON file in ``<cache dir>/pending-deletions/`` (one file per upload, so concurrent processes never
overwrite each other's records). ``GeminiFileManager.prune_orphans()`` and ``gemini-vision files
prune`` delete the recorded uploads later and drop their records. Nothing is orphaned silently: a
failed deletion is always both logged and recorded (or, when even the record cannot be written,
logged as an error naming the file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

logger = logging.getLogger("langchain_gemini_vision.files")

PENDING_DIR = "pending-deletions"


class LeaseTable:
    """How many live calls hold each remote file, and which files must go after the last one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders: dict[str, int] = {}
        self._doomed: set[str] = set()
        self._deleting: set[str] = set()
        self._kept: set[str] = set()

    def acquire(self, key: str) -> bool:
        """Take a lease; False when the file is being deleted (do not use it then)."""
        with self._lock:
            if key in self._deleting:
                return False
            self._holders[key] = self._holders.get(key, 0) + 1
            return True

    def release(self, key: str, *, delete: bool, keep: bool = False) -> bool:
        """Drop a lease.

        Args:
            key: The file's key.
            delete: This holder created the file and wants it gone once nobody uses it.
            keep: This holder was asked to keep the file (and reported it to its caller): then
                it is never deleted through the table, whoever asks (keeping wins).

        Returns:
            True when the caller must delete the file now (and then call :meth:`deleted`).
        """
        with self._lock:
            if keep:
                self._kept.add(key)
                self._doomed.discard(key)
            elif delete and key not in self._kept:
                self._doomed.add(key)
            left = self._holders.get(key, 0) - 1
            if left > 0:
                self._holders[key] = left
                return False
            self._holders.pop(key, None)
            if key not in self._doomed:
                return False
            self._doomed.discard(key)
            self._deleting.add(key)
            return True

    def deleted(self, key: str) -> None:
        """The DELETE that :meth:`release` asked for is over (whatever its outcome)."""
        with self._lock:
            self._deleting.discard(key)

    def holders(self, key: str) -> int:
        """Live leases on ``key`` (0 when nobody uses it)."""
        with self._lock:
            return self._holders.get(key, 0)


LEASES = LeaseTable()
"""The process-wide lease table."""


def lease_key(endpoint: str, name: str) -> str:
    """The table key: remote names are unique per endpoint (and project)."""
    return f"{endpoint}|{name}"


@dataclass(frozen=True)
class PendingDeletion:
    """An upload whose DELETE failed, recorded for a later prune."""

    endpoint: str
    name: str
    reason: str
    recorded_at: str
    path: Path


class PendingDeletions:
    """The ``pending-deletions`` folder next to the reuse index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, endpoint: str, name: str) -> Path:
        digest = hashlib.sha256(lease_key(endpoint, name).encode()).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def record(self, endpoint: str, name: str, reason: str, when: datetime) -> bool:
        """Write the record (atomically); False when it cannot be written."""
        body = {"endpoint": endpoint, "name": name, "reason": reason[:500]}
        body["recorded_at"] = when.isoformat()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".pending-", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(body, handle)
            os.replace(tmp, self._path(endpoint, name))
        except OSError as exc:
            logger.error("Could not record %s for a later prune in %s: %s", name, self.folder, exc)
            return False
        return True

    def entries(self, endpoint: str | None = None) -> list[PendingDeletion]:
        """The recorded uploads (of ``endpoint`` only, when given), oldest record first."""
        found: list[PendingDeletion] = []
        try:
            paths = sorted(self.folder.glob("*.json"))
        except OSError:
            return []
        for path in paths:
            entry = _read_entry(path)
            if entry is not None and (endpoint is None or entry.endpoint == endpoint):
                found.append(entry)
        return sorted(found, key=lambda e: e.recorded_at)

    def drop(self, entry: PendingDeletion) -> None:
        """Forget a record (its upload is gone)."""
        try:
            entry.path.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("Could not remove the record %s: %s", entry.path, exc)


def _read_entry(path: Path) -> PendingDeletion | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fields = [raw.get(k) if isinstance(raw, dict) else None for k in ("endpoint", "name")]
    if not all(isinstance(f, str) and f for f in fields):
        return None
    return PendingDeletion(
        endpoint=fields[0],  # type: ignore[arg-type]
        name=fields[1],  # type: ignore[arg-type]
        reason=str(raw.get("reason", "")),
        recorded_at=str(raw.get("recorded_at", "")),
        path=path,
    )
