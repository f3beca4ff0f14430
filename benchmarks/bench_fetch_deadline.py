"""A URL fetch is abandoned within its total time cap + 10%, however the server misbehaves.

Real wall-clock time against local servers that trickle the body one byte at a time, trickle the
headers, or read the request and never answer (127.0.0.1 is let through with ``trusted_hosts``,
as a developer would). Each case is run several times with a 2 s cap; the worst elapsed time must
be at most 2.2 s.

Run: ``.venv/bin/python benchmarks/bench_fetch_deadline.py`` (about 20 s).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' slow servers

from langchain_gemini_vision.errors import GeminiVisionError
from langchain_gemini_vision.media._fetch import FetchLimits, fetch_url
from tests.trust._slow_servers import slow_server

CAP_S = 2.0
RUNS = 3
CASES = (
    ("trickle-body", 0.05, "body byte every 50 ms"),
    ("trickle-body", 0.5, "body byte every 500 ms"),
    ("trickle-headers", 0.05, "header byte every 50 ms"),
    ("stall", 0.05, "headers never sent"),
)


def _one(mode: str, interval_s: float) -> tuple[float, str]:
    limits = FetchLimits(timeout_s=CAP_S, trusted_hosts=("127.0.0.1",))
    with slow_server(mode, interval_s=interval_s) as server:
        start = time.perf_counter()
        try:
            fetch_url(server.url, limits)
        except GeminiVisionError as exc:
            return time.perf_counter() - start, type(exc).__name__
    return time.perf_counter() - start, "finished"


def measure(runs: int = RUNS) -> list[tuple[str, float, set[str]]]:
    """Per case: its label, the worst elapsed seconds, and the error classes seen."""
    out = []
    for mode, interval_s, label in CASES:
        results = [_one(mode, interval_s) for _ in range(runs)]
        out.append((label, max(t for t, _ in results), {name for _, name in results}))
    return out


def main() -> int:
    limit = CAP_S * 1.1
    print(f"cap {CAP_S:.1f} s, target <= {limit:.2f} s (cap + 10%), {RUNS} runs per case")
    print(f"{'server':<26} {'error':<9} {'median s':>9} {'max s':>7}  verdict")
    ok = True
    for mode, interval_s, label in CASES:
        results = [_one(mode, interval_s) for _ in range(RUNS)]
        times = [elapsed for elapsed, _ in results]
        errors = {name for _, name in results}
        passed = max(times) <= limit and errors == {"RequestTimeoutError"}
        ok = ok and passed
        print(
            f"{label:<26} {','.join(sorted(errors)):<9} {statistics.median(times):9.3f} "
            f"{max(times):7.3f}  {'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
