"""A small SQLite index of what this library uploaded, so identical content is reused across runs.

The index is only a hint: every entry is re-validated with ``files.get`` (state, sha256,
expiration) before a file is reused, so a stale, deleted or foreign entry costs one GET and is then
replaced. It maps ``endpoint + sha256`` to the remote file name and holds no secrets (no API key,
no file content).

Many processes share one index (a notebook, a CLI run and a pipeline worker on the same machine):
SQLite in WAL mode keeps concurrent writers from losing each other's entries, and
:meth:`FileIndex.claim` is a per-content lock across threads *and* processes, held from the lookup
until the upload is remembered, so two processes that want the same bytes upload them once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from langchain_gemini_vision._core.clock import WallClock, as_utc, utc_now

logger = logging.getLogger(__name__)

CACHE_DIR_VAR = "GEMINI_VISION_CACHE_DIR"
INDEX_FILE = "file_index.sqlite3"
_LOCK_DIR = "locks"
_BUSY_TIMEOUT_S = 30.0
# Longer than any sane upload; past it we proceed unlocked (a duplicate upload, never a hang).
_CLAIM_TIMEOUT_S = 900.0
_Work = Callable[[sqlite3.Connection], object]
MAX_HASHES = 4096
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries ("
    " key TEXT PRIMARY KEY, name TEXT NOT NULL, expiration_time TEXT);"
    "CREATE TABLE IF NOT EXISTS hashes (stat_key TEXT PRIMARY KEY, sha256 TEXT NOT NULL)"
)


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
    """Reuse entries in a SQLite database shared by every thread and process of one user.

    A corrupt, unreadable or read-only index is treated as empty, never as an error: losing the
    index only costs a re-upload.

    Args:
        cache_dir: Folder of the database (default: :func:`default_cache_dir`).
        now: Wall clock used to drop entries whose remote file has expired.
    """

    def __init__(
        self, cache_dir: str | os.PathLike[str] | None = None, *, now: WallClock = utc_now
    ) -> None:
        self.folder = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.path = self.folder / INDEX_FILE
        self._now = now

    @staticmethod
    def key(endpoint: str, sha256_hex: str) -> str:
        """The entry key: files live per endpoint (and project), content by hash."""
        return f"{endpoint}|{sha256_hex}"

    # ---- storage -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.folder.mkdir(parents=True, exist_ok=True)
        # One short-lived connection per operation: safe from any thread, and a forked or
        # long-running process never holds a stale handle.
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def _run(self, action: str, work: _Work) -> object:
        for attempt in (1, 2):
            try:
                with self._db() as conn:
                    return work(conn)
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and _is_corrupt(exc) and self._discard_corrupt():
                    continue
                logger.warning("File index %s: could not %s: %s", self.path, action, exc)
            except OSError as exc:  # a read-only cache must not break uploads
                logger.warning("File index %s: could not %s: %s", self.path, action, exc)
            break
        return None

    def _discard_corrupt(self) -> bool:
        logger.warning("Replacing corrupt file index %s", self.path)
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    # ---- the operations ------------------------------------------------------------------------

    def lookup(self, key: str) -> str | None:
        """The remote file name recorded for ``key``, if any."""

        def work(conn: sqlite3.Connection) -> object:
            row = conn.execute("SELECT name FROM entries WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

        name = self._run("read", work)
        return name if isinstance(name, str) else None

    def remember(self, key: str, name: str, expiration: datetime | None) -> None:
        """Record an upload (and drop entries that have expired)."""
        now = as_utc(self._now()).isoformat()
        expires = as_utc(expiration).isoformat() if expiration else None

        def work(conn: sqlite3.Connection) -> object:
            with conn:  # one transaction: the prune and the insert land together
                conn.execute("BEGIN IMMEDIATE")
                # ISO-8601 strings in UTC compare in time order.
                conn.execute("DELETE FROM entries WHERE expiration_time <= ?", (now,))
                conn.execute(
                    "INSERT OR REPLACE INTO entries (key, name, expiration_time) VALUES (?, ?, ?)",
                    (key, name, expires),
                )
            return None

        self._run("write", work)

    def forget(self, *, key: str | None = None, name: str | None = None) -> None:
        """Drop the entry for ``key`` and/or every entry pointing at remote file ``name``."""

        def work(conn: sqlite3.Connection) -> object:
            conn.execute("DELETE FROM entries WHERE key = ? OR name = ?", (key, name))
            return None

        self._run("write", work)

    def known_hash(self, stat_key: str) -> str | None:
        """The sha256 remembered for a local file's ``stat`` identity (``files._hash_cache``)."""

        def work(conn: sqlite3.Connection) -> object:
            row = conn.execute("SELECT sha256 FROM hashes WHERE stat_key = ?", (stat_key,))
            found = row.fetchone()
            return found[0] if found else None

        sha = self._run("read", work)
        return sha if isinstance(sha, str) else None

    def remember_hash(self, stat_key: str, sha256_hex: str) -> None:
        """Remember a local file's hash, keeping the newest :data:`MAX_HASHES`."""

        def work(conn: sqlite3.Connection) -> object:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM hashes WHERE stat_key = ?", (stat_key,))
                conn.execute("INSERT INTO hashes VALUES (?, ?)", (stat_key, sha256_hex))
                conn.execute(
                    "DELETE FROM hashes WHERE rowid NOT IN "
                    "(SELECT rowid FROM hashes ORDER BY rowid DESC LIMIT ?)",
                    (MAX_HASHES,),
                )
            return None

        self._run("write", work)

    def entries(self) -> dict[str, str]:
        """Every entry as ``key -> remote file name`` (for inspection and tests)."""

        def work(conn: sqlite3.Connection) -> object:
            return dict(conn.execute("SELECT key, name FROM entries").fetchall())

        found = self._run("read", work)
        return found if isinstance(found, dict) else {}

    @contextlib.contextmanager
    def claim(self, key: str) -> Iterator[None]:
        """Hold the lock of one content key across threads and processes (blocking).

        Held from the reuse lookup until the upload is remembered, so a second caller with the
        same bytes waits and then finds the first one's upload instead of sending its own. The
        operating system releases it if the holder dies.
        """
        handle = self._open_lock(key)
        if handle is None:
            yield
            return
        try:
            locked = _lock(handle, _CLAIM_TIMEOUT_S)
            if not locked:
                logger.warning("Gave up waiting for another upload of the same content; uploading")
            yield
        finally:
            with contextlib.suppress(OSError):
                _unlock(handle)
            handle.close()

    def _open_lock(self, key: str) -> IO[bytes] | None:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        folder = self.folder / _LOCK_DIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return open(folder / f"{digest}.lock", "a+b")
        except OSError as exc:
            logger.warning("No upload lock in %s (%s): duplicate uploads are possible", folder, exc)
            return None


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "file is encrypted" in text


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[bytes], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes], timeout_s: float) -> bool:
        # flock locks belong to the open file description, so two threads of one process that
        # open the lock file separately exclude each other too.
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
