"""Scale and guard rows: 10,000 captions through one Batch Mode job, and the fetch deadline."""

from __future__ import annotations

import bench_batch
import bench_fetch_deadline
from _harness import Row

RSS_BAR_MIB = 300.0


def rows(smoke: bool) -> list[Row]:
    count = 200 if smoke else 10_000
    report = bench_batch.measure(count)
    over = float(report["peak_mb"]) - float(report["baseline_mb"])  # type: ignore[arg-type]
    client_s = float(report["build_upload_submit_s"]) + float(report["collect_s"])  # type: ignore[arg-type]
    requests = sum(report["requests"].values())  # type: ignore[attr-defined]
    complete = report["ok"] == report["items"] and report["in_order"] and report["left"] == 0
    out = [
        Row(
            f"{count:,} captions through one batch job: client peak RSS over baseline",
            f"+{over:.0f} MB",
            "limit",
            over,
            RSS_BAR_MIB,
            note=f"ratio column is MB; {report['media_mb']:.0f} MB of images; "
            f"{client_s:.1f} s client time excluding the emulated job "
            f"({client_s / count * 1000:.2f} ms/item); {requests} requests; "
            f"all results, in order, nothing left: {complete}",
        )
    ]
    if not complete:
        raise RuntimeError(f"batch job lost results or left uploads: {report}")
    cap = bench_fetch_deadline.CAP_S
    for label, worst_s, errors in bench_fetch_deadline.measure(1 if smoke else 3):
        out.append(
            Row(
                f"URL fetch, {label}: abandoned after / the {cap:g} s cap",
                f"{worst_s:.3f} s",
                f"{cap:g} s",
                worst_s / cap,
                1.1,
                note=", ".join(sorted(errors)),
            )
        )
    return out
