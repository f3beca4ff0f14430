"""Small image files for the batch tests."""

from __future__ import annotations

from pathlib import Path

from langchain_gemini_vision.testing.samples import make_png


def write_images(folder: Path, count: int, *, width: int = 64, height: int = 48) -> list[Path]:
    """``count`` PNGs whose widths differ (``width + i``), so answers can tell them apart."""
    paths = []
    for i in range(count):
        path = folder / f"img{i:03d}.png"
        path.write_bytes(make_png(width + i, height))
        paths.append(path)
    return paths
