"""Every python block of README.md and docs/*.md runs against the emulator, as the docs show it.

Each Markdown file gets a fresh demo world (``testing.demo``): a FakeGeminiServer reached through
``GEMINI_VISION_BASE_URL`` with a fake key, exactly as a reader would point the package at it, and
a temporary working directory holding the media the docs name (the demo desk scene as
``desk.jpg``, the demo video as ``talk.mp4``, ...). The rules are in ``_blocks.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from langchain_gemini_vision.testing import ToolCall, has_tools, scripted_tool_calls
from langchain_gemini_vision.testing.demo import demo_server, scene_image, write_samples
from langchain_gemini_vision.testing.samples import make_jpeg

from . import _blocks

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIPPED: list[_blocks.Block] = []  # reported at the end of the run (conftest.py)
RAN: list[_blocks.Block] = []

# A PDF small enough to write inline: the File API only needs it to sniff as application/pdf.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def _jpeg_of_scene() -> bytes:
    out = io.BytesIO()
    scene_image().save(out, format="JPEG", quality=92)
    return out.getvalue()


def write_media(folder: Path) -> None:
    """The files the docs name, made from the demo world's samples."""
    samples = write_samples(folder)
    desk = _jpeg_of_scene()
    video = samples.video.read_bytes()
    for name in ("desk.jpg", "media/desk.jpg", "photos/desk.jpg"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(desk)
    for name in ("talk.mp4", "lecture.mp4"):
        (folder / name).write_bytes(video)
    (folder / "bike.jpg").write_bytes(make_jpeg(640, 480))
    (folder / "scans").mkdir()
    (folder / "scans" / "notes.pdf").write_bytes(PDF)


def _agent_answer(results: Any) -> str:
    return f"On your desk: {results[0].response['output']}"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cwd = tmp_path / "work"
    cwd.mkdir()
    write_media(cwd)
    with demo_server() as server:
        # The agent of README.md and quickstart.md: detect on the desk photo, then answer.
        server.add_rule(
            when=has_tools,
            handler=scripted_tool_calls(
                [
                    ToolCall(
                        "gemini_detect_objects", {"image": "./media/desk.jpg", "target": "objects"}
                    )
                ],
                final=_agent_answer,
            ),
        )
        monkeypatch.setenv("GEMINI_VISION_BASE_URL", server.url)
        monkeypatch.setenv("GOOGLE_API_KEY", server.api_key)
        monkeypatch.chdir(cwd)
        yield tmp_path


# supervision without opencv warns that it draws with NumPy (docs/interop.md); harmless here.
@pytest.mark.filterwarnings("ignore:OpenCV:UserWarning")
@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_python_blocks_run_and_print_what_the_docs_show(doc: Path, world: Path) -> None:
    namespace: dict[str, Any] = {"__name__": f"docs_{doc.stem}"}
    numbers = count()

    def fresh_tmp() -> Path:
        path = world / f"test-{next(numbers)}"
        path.mkdir()
        return path

    for block in _blocks.extract(doc):
        if block.lang != "python":
            continue
        if block.skip:
            SKIPPED.append(block)
            continue
        _blocks.run(block, namespace, fresh_tmp)
        RAN.append(block)


def test_the_docs_have_python_blocks() -> None:
    blocks = [b for doc in DOCS for b in _blocks.extract(doc) if b.lang == "python"]
    assert len(blocks) >= 15
    assert all(b.skip is None or b.skip.strip() for b in blocks)
