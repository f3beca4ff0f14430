"""The rules of the docs test (tests/docs/_blocks.py): a doc that lies must fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import _blocks


def blocks_of(tmp_path: Path, markdown: str) -> list[_blocks.Block]:
    doc = tmp_path / "page.md"
    doc.write_text(markdown)
    return _blocks.extract(doc)


def test_a_wrong_shown_output_fails(tmp_path: Path) -> None:
    block, _ = blocks_of(
        tmp_path, "```python\nprint('real')\n```\n\nIt prints:\n\n```text\nclaimed\n```\n"
    )
    assert block.shown_output == "claimed\n"
    with pytest.raises(AssertionError, match="but the code prints\nreal"):
        _blocks.run(block, {}, lambda: tmp_path)


def test_arrow_comments_and_wildcards(tmp_path: Path) -> None:
    good, bad = blocks_of(
        tmp_path,
        "```python\nx = 'a' * 3\nx.upper()\n# -> 'AAA'\nprint(len(x), x)  # -> 3 ...\n```\n"
        "```python\nx  # -> 'b'\n```\n",
    )
    namespace: dict[str, Any] = {}
    _blocks.run(good, namespace, lambda: tmp_path)
    with pytest.raises(AssertionError, match=r"page.md:8: the docs say it prints\n'b'"):
        _blocks.run(bad, namespace, lambda: tmp_path)


def test_skip_marker_needs_a_reason_and_doctests_compare(tmp_path: Path) -> None:
    skipped, doctest_block = blocks_of(
        tmp_path,
        "<!-- docs-test: skip (needs a live key) -->\n```python\nraise SystemExit\n```\n"
        "<!-- docs-test: skip -->\n```python\n>>> 1 + 1\n3\n```\n",
    )
    assert skipped.skip == "needs a live key"
    assert doctest_block.skip is None  # no reason: not a skip marker, so the block runs
    with pytest.raises(AssertionError, match="doctest output differs"):
        _blocks.run(doctest_block, {}, lambda: tmp_path)


def test_documented_test_functions_are_called(tmp_path: Path) -> None:
    (block,) = blocks_of(
        tmp_path, "```python\ndef test_fails(tmp_path):\n    assert tmp_path.name == 'x'\n```\n"
    )
    with pytest.raises(AssertionError):
        _blocks.run(block, {}, lambda: tmp_path)
