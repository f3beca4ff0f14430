"""Run every row of the performance table side by side with its baseline, in one process.

Usage:
    python benchmarks/run_all.py            # full run (~5 min): table, docs/benchmarks.md + chart
    python benchmarks/run_all.py --smoke    # ~30 s, small sizes: fails only if a benchmark breaks

Each section returns ``Row`` objects (ours, baseline, ratio, bar). The full run exits non-zero
when a bar is missed; the smoke run asserts nothing about time and never writes the report.
The memory rows run in a child process by design (peak RSS must not include this process).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_memory  # noqa: E402
import rows_concurrency  # noqa: E402
import rows_curl  # noqa: E402
import rows_files  # noqa: E402
import rows_image  # noqa: E402
import rows_scale  # noqa: E402
import rows_video  # noqa: E402
from _harness import Row, print_table, write_report  # noqa: E402

MEMORY_BAR_MIB = 300.0


def memory_rows(smoke: bool) -> list[Row]:
    return [
        Row(
            f"peak RSS preparing a {what}",
            f"+{mib:.0f} MiB",
            "limit",
            mib,
            MEMORY_BAR_MIB,
            note=f"ratio column is MiB; {outcome[:90]}",
        )
        for what, mib, outcome in bench_memory.run(smoke)
    ]


SECTIONS: list[tuple[str, Callable[[bool], list[Row]]]] = [
    ("image", rows_image.rows),
    ("curl", rows_curl.rows),
    ("concurrency", rows_concurrency.rows),
    ("files", rows_files.rows),
    ("video", rows_video.rows),
    ("memory", memory_rows),
    ("scale", rows_scale.rows),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, no timing verdicts")
    parser.add_argument("--only", help="run only the sections whose names contain this")
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    broken: list[str] = []
    for name, section in SECTIONS:
        if args.only and args.only not in name:
            continue
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            rows += section(args.smoke)
        except Exception:
            traceback.print_exc()
            broken.append(name)
        print(f"   {time.perf_counter() - t0:.1f} s", flush=True)
    if rows:
        print_table(rows)
    seconds = time.perf_counter() - started
    print(f"\n{len(rows)} rows in {seconds:.0f} s; broken sections: {broken or 'none'}")
    if args.smoke:
        return 1 if broken else 0
    if not args.only:
        command = "make bench"
        write_report(rows, HERE.parent / "docs", command, seconds)
        print("wrote docs/benchmarks.md")
    failed = [r.what for r in rows if not r.ok]
    return 1 if broken or failed else 0


if __name__ == "__main__":
    sys.exit(main())
