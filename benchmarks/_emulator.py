"""FakeGeminiServer in a child process, so the parent's CPU time is the client's alone.

Usage (from the parent): ``with Emulator(latency_s=0.5, text=answer) as (url, key): ...``.
The child prints ``url key`` on one line and serves until its stdin closes.
"""

from __future__ import annotations

import subprocess
import sys


class Emulator:
    def __init__(self, *, latency_s: float, text: str) -> None:
        self.latency_s = latency_s
        self.text = text
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> tuple[str, str]:
        self._proc = subprocess.Popen(
            [sys.executable, __file__, str(self.latency_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(self.text + "\n")
        self._proc.stdin.flush()
        url, key = self._proc.stdout.readline().split()
        return url, key

    def __exit__(self, *exc: object) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


def _serve(latency_s: float) -> None:
    from langchain_gemini_vision.testing import FakeGeminiServer

    text = sys.stdin.readline().rstrip("\n")
    with FakeGeminiServer() as server:
        server.add_rule(text=text, latency_s=latency_s)
        print(server.url, server.api_key, flush=True)
        sys.stdin.read()  # returns when the parent closes our stdin


if __name__ == "__main__":
    _serve(float(sys.argv[1]))
