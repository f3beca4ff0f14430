"""A small JSON index of what this library uploaded, so identical content is reused across runs.

The index is only a hint: every entry is re-validated with ``files.get`` (state, sha256,
expiration) before a file is reused, so a stale, deleted or foreign entry costs one GET and is then
replaced. It maps ``endpoint + sha256`` to the remote file name and holds no secrets (no API key,
no file content).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from ._clock import WallClock, as_utc, utc_now

logger = logging.getLogger(__name__)

CACHE_DIR_VAR = "GEMINI_VISION_CACHE_DIR"
INDEX_FILE = "file_index.json"
_VERSION = 1


def default_cache_dir() -> Path:
    """``$GEMINI_VISION_CACHE_DIR`` or the platform's user cache directory."""
    override = os.environ.get(CACHE_DIR_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "langchain-gemini-vision"


class FileIndex:
    """Thread-safe read-modify-write access to the index file.

    Every operation re-reads the file, so several processes sharing it see each other's uploads;
    writes are atomic (temp file + ``os.replace``). A corrupt or unreadable index is treated as
    empty, never as an error: losing the index only costs a re-upload.
    """

    def __init__(
        self, cache_dir: str | os.PathLike[str] | None = None, *, now: WallClock = utc_now
    ) -> None:
        self.path = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.path = self.path / INDEX_FILE
        self._lock = threading.Lock()
        self._now = now

    @staticmethod
    def key(endpoint: str, sha256_hex: str) -> str:
        """The entry key: files live per endpoint (and project), content by hash."""
        return f"{endpoint}|{sha256_hex}"

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            logger.warning("Ignoring unreadable file index %s: %s", self.path, exc)
            return {}
        entries = raw.get("entries") if isinstance(raw, dict) else None
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, dict)}

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": _VERSION, "entries": entries}, handle, indent=1)
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only cache must not break uploads
            logger.warning("Could not write file index %s: %s", self.path, exc)

    def lookup(self, key: str) -> str | None:
        """The remote file name recorded for ``key``, if any."""
        with self._lock:
            entry = self._read().get(key)
        name = entry.get("name") if entry else None
        return name if isinstance(name, str) else None

    def remember(self, key: str, name: str, expiration: datetime | None) -> None:
        """Record an upload (and drop entries that have expired)."""
        with self._lock:
            entries = self._read()
            now = self._now()
            entries = {k: v for k, v in entries.items() if not _expired(v, now)}
            entries[key] = {
                "name": name,
                "expiration_time": expiration.isoformat() if expiration else None,
            }
            self._write(entries)

    def forget(self, *, key: str | None = None, name: str | None = None) -> None:
        """Drop the entry for ``key`` and/or every entry pointing at remote file ``name``."""
        with self._lock:
            entries = self._read()
            kept = {
                k: v
                for k, v in entries.items()
                if k != key and (name is None or v.get("name") != name)
            }
            if len(kept) != len(entries):
                self._write(kept)


def _expired(entry: dict[str, Any], now: datetime) -> bool:
    value = entry.get("expiration_time")
    if not isinstance(value, str):
        return False
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return True
    return as_utc(when) <= now
