"""Answer-parser benchmarks: throughput on real shapes, and linear time on adversarial text.

The lenient parsers run regular expressions over whatever the model wrote. A pattern with two
adjacent runs that can trade characters takes quadratic time on a long run of brackets or spaces
(``"(" * 20000`` took 9 s before the leading-stamp pattern was rewritten). This prints the time
for each adversarial input at two sizes: doubling the size should roughly double the time.

Run: ``.venv/bin/python benchmarks/bench_parsing.py``
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable

from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.video._transcript_parsing import (
    parse_chapters_answer,
    parse_transcript_answer,
)


def _stamp(i: int) -> str:
    return f"{i // 60}:{i % 60:02d}"


REAL: dict[str, str] = {
    "JSON, text under 'caption'": json.dumps(
        {"segments": [{"start": _stamp(i), "caption": "word " * 20} for i in range(2000)]}
    ),
    "markdown lines": "\n".join(
        f"**{_stamp(i)}-{_stamp(i + 1)}:** " + "word " * 20 for i in range(2000)
    ),
    "prose, inline ranges": " ".join(
        f"Sentence {i} goes here ({_stamp(i)}-{_stamp(i + 1)})." for i in range(2000)
    ),
}
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "open parens": lambda n: "(" * n + "x",
    "bullet + spaces": lambda n: "*" + " " * n + "x",
    "mixed decoration": lambda n: "[ * ( " * (n // 6) + "x",
    "label + spaces": lambda n: "Timestamp" + " " * n + "x",
    "stamp, spaces, dash": lambda n: "0:00" + " " * n + "-" + " " * n + "x",
    "digits": lambda n: "1" * n,
    "colons": lambda n: "1:" * (n // 2) + "x",
    "bold markers": lambda n: "**" * (n // 2) + "x",
    "short sentences": lambda n: "a. " * (n // 3),
}


def timed(text: str) -> float:
    start = time.perf_counter()
    for parse in (parse_transcript_answer, parse_chapters_answer):
        with contextlib.suppress(ResponseParseError):
            parse(text)
    return time.perf_counter() - start


def main() -> None:
    print("Real shapes (2000 segments each, transcript + chapter parser):")
    for name, text in REAL.items():
        print(f"  {name:28s} {len(text):8d} chars  {timed(text) * 1000:8.1f} ms")
    print("Adversarial text (time at 20k and 40k characters; linear means about 2x):")
    for name, make in ADVERSARIAL.items():
        small, large = timed(make(20_000)), timed(make(40_000))
        print(f"  {name:28s} {small * 1000:8.1f} ms  {large * 1000:8.1f} ms  x{large / small:.1f}")


if __name__ == "__main__":
    main()
