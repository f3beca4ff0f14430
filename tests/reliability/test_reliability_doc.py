"""docs/reliability.md shows exactly the fault matrix the tests prove (it cannot drift)."""

from __future__ import annotations

from .matrix import DOC, ROWS, render, section_in


def test_the_doc_holds_the_rendered_fault_matrix() -> None:
    current = section_in(DOC.read_text(encoding="utf-8"))
    assert current, "docs/reliability.md lost its fault-matrix markers"
    assert current == render(), (
        "docs/reliability.md is out of date: run `.venv/bin/python -m tests.reliability.matrix "
        "--write`"
    )


def test_every_row_is_unique_and_names_a_typed_error() -> None:
    keys = [(row.path, row.kind) for row in ROWS]
    assert len(keys) == len(set(keys))
    assert {row.path for row in ROWS} == {"generation", "files", "fetch"}
    assert all(len(row.waits) == row.requests - 1 or row.path == "fetch" for row in ROWS)
