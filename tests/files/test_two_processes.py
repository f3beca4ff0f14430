"""Two processes uploading the same 50 files at once: one upload each, and an intact index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from langchain_gemini_vision.files._index import FileIndex
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png

_WORKER = """
import sys
from langchain_gemini_vision import GeminiFileManager, build_llm
url, cache, *paths = sys.argv[1:]
manager = GeminiFileManager(build_llm(api_key="k", base_url=url, max_retries=0), cache_dir=cache)
print(" ".join(manager.upload(p).name for p in paths))
"""


def test_two_processes_share_uploads_and_index(tmp_path: Path) -> None:
    paths = []
    for i in range(50):
        path = tmp_path / f"img{i:02d}.png"
        path.write_bytes(make_png(8 + i, 8))
        paths.append(str(path))
    cache = tmp_path / "cache"
    with FakeGeminiServer(api_key="k") as server:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        command = [sys.executable, "-c", _WORKER, server.url, str(cache)]
        # Opposite orders, so the two really race for the same files.
        workers = [
            subprocess.Popen([*command, *order], env=env, stdout=subprocess.PIPE, text=True)
            for order in (paths, paths[::-1])
        ]
        outputs = [w.communicate(timeout=120)[0].split() for w in workers]
        assert [w.returncode for w in workers] == [0, 0]
        assert len(server.files) == 50  # one upload per distinct content
        starts = [
            r
            for r in server.requests
            if r.path.endswith("/upload/v1beta/files") and "upload_id" not in r.query
        ]
        assert len(starts) == 50  # no bytes sent twice
    assert outputs[0] == outputs[1][::-1]  # both processes got the same file for each path
    entries = FileIndex(cache).entries()
    assert sorted(entries.values()) == sorted(outputs[0])
