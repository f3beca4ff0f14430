"""Regenerate docs/images/demo-desk-annotated.png: ``.venv/bin/python docs/make_demo_images.py``.

The picture is what ``gemini-vision demo`` writes: the demo world's desk scene sent through the real
``detect_objects`` pipeline to FakeGeminiServer (which answers with the objects' known boxes on
Gemini's 0-1000 grid, fenced like the live API), then drawn with ``annotate_image``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from langchain_gemini_vision import annotate_image, detect_objects
from langchain_gemini_vision.testing.demo import demo_session

OUT = Path(__file__).resolve().parent / "images" / "demo-desk-annotated.png"


def main() -> None:
    """Write the picture."""
    with tempfile.TemporaryDirectory() as folder, demo_session(folder, offline=True) as session:
        found = detect_objects(session.samples.image, "every object on the desk", llm=session.llm)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        annotate_image(session.samples.image, found).save(OUT, optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
