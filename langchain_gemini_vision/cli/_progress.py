"""Progress lines for the CLI: plain ``\\r`` redraws on stderr, only when stderr is a terminal.

No dependency: a bar is one line rewritten in place. When the stream is not a TTY (a pipe, a log
file, CI) nothing is drawn, so scripted output stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from langchain_gemini_vision.types import GeminiFile

_WIDTH = 28


def _mb(n: float) -> str:
    return f"{n / 1_000_000:.1f} MB"


class Progress:
    """One redrawable status line.

    Args:
        label: Text before the bar (e.g. ``"upload talk.mp4"``).
        stream: Where to draw (default ``sys.stderr``).
        enabled: Draw or not; default: only when ``stream`` is a TTY.
        clock: Monotonic clock, to limit redraws to about 20 per second.
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self._is_tty() if enabled is None else enabled
        self._clock = clock
        self._last_draw = float("-inf")
        self._width = 0
        self.drawn = 0

    def _is_tty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def _draw(self, text: str, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if not force and now - self._last_draw < 0.05:
            return
        self._last_draw = now
        # Pad with spaces so a shorter line fully covers the previous one.
        line = f"{self.label} {text}"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(line))
        self.drawn += 1

    def bytes(self, sent: int, total: int) -> None:
        """Draw ``[#####-----]  42%  12.3/29.0 MB`` (an upload callback)."""
        frac = min(max(sent / total, 0.0), 1.0) if total else 1.0
        filled = round(frac * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self._draw(f"[{bar}] {frac:4.0%}  {_mb(sent)}/{_mb(total)}", force=sent >= total)

    def poll(self, file: GeminiFile, elapsed_s: float) -> None:
        """Draw ``files/abc PROCESSING  3.2 s`` (a ``wait_until_active`` callback)."""
        spinner = "|/-\\"[self.drawn % 4]
        self._draw(f"{spinner} {file.name} {file.state}  {elapsed_s:.1f} s", force=True)

    def steps(self, done: int, total: int, what: str = "window") -> None:
        """Draw ``window 2/4``."""
        self._draw(f"{what} {done}/{total}", force=True)

    def close(self, final: str | None = None) -> None:
        """End the line (with a final text), so later output starts on a fresh line."""
        if not self.enabled or self.drawn == 0:
            return
        if final is not None:
            self._draw(final, force=True)
        self.stream.write("\n")
        self.stream.flush()
