"""Content hashes of local files keyed by what ``stat`` says, so reuse needs no extra read.

Reusing an upload needs the content's sha256 *before* deciding to upload, which costs a full read
of the file; uploading then reads it again. Instead, the hash of each uploaded path is remembered
under (real path, size, mtime_ns, inode, device): a file seen before is looked up without reading
it, and a file never seen is uploaded straight away and its hash taken from the upload's answer
(the File API's ``sha256Hash``), so every upload reads the file once. Any change to the file
changes its mtime or size (or inode, when replaced), so a stale hash is never used.

The hashes live in the reuse index's SQLite database (``FileIndex.known_hash`` /
``remember_hash``), shared safely by every process of the user; losing them only costs one extra
read.
"""

from __future__ import annotations

import os
from pathlib import Path


def stat_key(path: Path, info: os.stat_result) -> str:
    """The identity of a file's current content as far as ``stat`` can tell."""
    real = os.path.realpath(path)
    return f"{real}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}|{info.st_dev}"
