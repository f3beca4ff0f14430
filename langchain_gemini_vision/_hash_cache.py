"""Content hashes of local files keyed by what ``stat`` says, so reuse needs no extra read.

Reusing an upload needs the content's sha256 *before* deciding to upload, which costs a full read
of the file; uploading then reads it again. Instead, the hash of each uploaded path is remembered
under (real path, size, mtime_ns, inode, device): a file seen before is looked up without reading
it, and a file never seen is uploaded straight away and its hash taken from the upload's answer
(the File API's ``sha256Hash``), so every upload reads the file once. Any change to the file
changes its mtime or size (or inode, when replaced), so a stale hash is never used.

The cache is a small JSON file next to the upload index (no secrets, no content), shared by
processes with atomic replace; losing it only costs one extra read.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

CACHE_FILE = "hash_cache.json"
MAX_ENTRIES = 4096

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def stat_key(path: Path, info: os.stat_result) -> str:
    """The identity of a file's current content as far as ``stat`` can tell."""
    real = os.path.realpath(path)
    return f"{real}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}|{info.st_dev}"


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def _load(path: Path) -> dict[str, str]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}


def lookup(cache_dir: Path, key: str) -> str | None:
    """The sha256 recorded for ``key``, if any."""
    path = cache_dir / CACHE_FILE
    with _lock_for(path):
        return _load(path).get(key)


def remember(cache_dir: Path, key: str, sha256_hex: str) -> None:
    """Record a hash, keeping only the newest ``MAX_ENTRIES`` (dicts keep insertion order)."""
    path = cache_dir / CACHE_FILE
    with _lock_for(path):
        entries = _load(path)
        entries.pop(key, None)
        entries[key] = sha256_hex
        kept = dict(list(entries.items())[-MAX_ENTRIES:])
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".hashes-", dir=cache_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(kept, handle)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs a second read next time
