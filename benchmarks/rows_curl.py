"""Curl row: the small caption call vs ``curl`` POSTing the very same generateContent body.

The body is the one the package sent (taken from the emulator's request log), so both sides send
identical bytes; curl's side includes starting a process per call, which is what a shell script
calling the API pays. Skipped (no row) when ``curl`` is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from _harness import Row, interleaved_s
from rows_image import PROMPT, small_png

from langchain_gemini_vision import caption_image
from langchain_gemini_vision._core.client import API_VERSION, DEFAULT_MODEL
from langchain_gemini_vision.testing import FakeGeminiServer

BAR = 1.5
"""The issue names curl as a baseline without a bar of its own: within 1.5x of a bare HTTP POST."""


def rows(smoke: bool) -> list[Row]:
    curl = shutil.which("curl")
    if curl is None:
        return []
    png = small_png()
    with FakeGeminiServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.add_rule(text="a caption")
        llm = server.llm()
        caption_image(png, llm=llm, prompt=PROMPT)
        sent = next(r for r in reversed(server.requests) if r.path.endswith(":generateContent"))
        body = Path(tmp) / "body.json"
        body.write_text(json.dumps(sent.json))
        size_kb = body.stat().st_size / 1e3
        command = [
            curl, "--silent", "--show-error", "--fail", "-X", "POST",
            f"{server.url}/{API_VERSION}/models/{DEFAULT_MODEL}:generateContent",
            "-H", "content-type: application/json",
            "-H", f"x-goog-api-key: {server.api_key}",
            "--data-binary", f"@{body}",
        ]  # fmt: skip

        def by_curl() -> object:
            out = subprocess.run(command, check=True, capture_output=True)
            return json.loads(out.stdout)["candidates"][0]["content"]["parts"][0]["text"]

        assert by_curl() == "a caption"
        t = interleaved_s(
            {"curl": by_curl, "ours": lambda: caption_image(png, llm=llm, prompt=PROMPT)},
            *((5, 2) if smoke else (100, 10)),
        )
    return [
        Row(
            "caption 640x480 PNG per call vs curl POST of the same body",
            f"{t['ours'] * 1e3:.2f} ms",
            f"{t['curl'] * 1e3:.2f} ms",
            t["ours"] / t["curl"],
            BAR,
            note=f"{size_kb:.0f} kB body; curl starts a process per call",
        )
    ]
