"""docs/reliability.md shows exactly the fault matrix the tests prove (it cannot drift)."""

from __future__ import annotations

import re

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


def test_every_test_the_doc_cites_exists() -> None:
    # Rows outside the generated matrix name the test that proves them ("tests/x.py::name", or
    # "::name" for the file cited just before): a renamed or deleted test must not leave a claim
    # without proof.
    root = DOC.parents[1]
    current_file = None
    missing = []
    for match in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)", DOC.read_text(encoding="utf-8")):
        current_file = match.group(1) or current_file
        assert current_file, f"{match.group(0)} names no file"
        source = (root / current_file).read_text(encoding="utf-8")
        if not re.search(rf"^(?:async )?def {match.group(2)}\b", source, re.MULTILINE):
            missing.append(f"{current_file}::{match.group(2)}")
    assert missing == []
