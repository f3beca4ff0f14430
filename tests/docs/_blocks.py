"""Extract the code blocks of the Markdown docs and run them, comparing the output they show.

Rules (CONTRIBUTING.md, "Docs that cannot lie"):

- Every ```` ```python ```` block runs, in file order, in one namespace per Markdown file (a block
  may use names an earlier block of the same file defined, never names from nowhere).
- ``<!-- docs-test: skip (reason) -->`` on the line before the fence skips the block; the reason
  is required and reported.
- Blocks with ``>>>`` prompts run as doctests (ELLIPSIS, NORMALIZE_WHITESPACE).
- A ```` ```text ```` block that is the next fenced block after a python block (prose may stand
  between, e.g. "it prints:") is the output the python block prints (other displays use a plain
  ```` ``` ```` fence).
- ``# -> value`` after a statement (same line, or the comment lines right below it) is what that
  statement prints, or the repr of its value for a bare expression. ``...`` matches anything.
- Functions named ``test_*`` that a block defines are called (``tmp_path`` is passed when asked),
  so a documented test is a test that passes.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FENCE = re.compile(r"^\s*```([\w+-]*)\s*$")
_SKIP = re.compile(r"^\s*<!--\s*docs-test:\s*skip\s*\((.+)\)\s*-->\s*$")
_ARROW = re.compile(r"#\s*->\s?(.*)$")
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts, its language and text, and what the docs claim."""

    path: Path
    line: int  # line number of the first code line
    lang: str
    code: str
    skip: str | None = None
    shown_output: str | None = None  # the text block right after it

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def extract(path: Path) -> list[Block]:
    """All fenced blocks of a Markdown file, with skip markers and shown outputs attached."""
    lines = path.read_text(encoding="utf-8").splitlines()
    raw: list[tuple[int, int, str, str | None]] = []  # (first line, end index, lang, skip)
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = _SKIP.match(before)
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        raw.append((i + 1, end, match[1], skip[1] if skip else None))
        i = end + 1
    blocks: list[Block] = []
    for n, (start, end, lang, skip) in enumerate(raw):
        shown = None
        if n + 1 < len(raw) and raw[n + 1][2] == "text":
            shown = "\n".join(lines[raw[n + 1][0] : raw[n + 1][1]]) + "\n"
        code = "\n".join(lines[start:end]) + "\n"
        blocks.append(Block(path, start + 1, lang, code, skip, shown))
    return blocks


def matches(want: str, got: str) -> bool:
    """Doctest's comparison: ``...`` is a wildcard, runs of whitespace are equal."""
    return doctest.OutputChecker().check_output(want, got, _FLAGS)


def _arrow_expectations(block: Block, stmt: ast.stmt, source: list[str]) -> str | None:
    """The ``# ->`` text for a statement: on its last line, or comment lines right below it."""
    end = stmt.end_lineno or stmt.lineno
    found: list[str] = []
    same_line = _ARROW.search(source[end - 1])
    if same_line:
        found.append(same_line[1])
    for line in source[end:]:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        arrow = _ARROW.match(stripped)
        if arrow:
            found.append(arrow[1])
        elif found:
            found.append(stripped.lstrip("#").strip())  # a continued expectation
    return "\n".join(found) + "\n" if found else None


def _call_tests(namespace: dict[str, Any], before: set[str], tmp: Callable[[], Path]) -> None:
    for name, value in list(namespace.items()):
        if name.startswith("test_") and name not in before and callable(value):
            params = inspect.signature(value).parameters
            value(**({"tmp_path": tmp()} if "tmp_path" in params else {}))


def run(block: Block, namespace: dict[str, Any], tmp: Callable[[], Path]) -> None:
    """Run one python block; raise AssertionError saying where the docs and the code disagree."""
    if ">>>" in block.code:
        test = doctest.DocTestParser().get_doctest(
            block.code, namespace, block.where, str(block.path), block.line - 1
        )
        out = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        result = runner.run(test, out=out.write, clear_globs=False)
        assert not result.failed, f"{block.where}: doctest output differs\n{out.getvalue()}"
        return
    # Pad so tracebacks point at the Markdown file's own line numbers.
    padded = "\n" * (block.line - 1) + block.code
    source = padded.splitlines()
    tree = ast.parse(padded, filename=str(block.path))
    printed = io.StringIO()
    before = set(namespace)
    for stmt in tree.body:
        want = _arrow_expectations(block, stmt, source)
        got = io.StringIO()
        with contextlib.redirect_stdout(got):
            if isinstance(stmt, ast.Expr):
                value = eval(
                    compile(ast.Expression(stmt.value), str(block.path), "eval"), namespace
                )
                if value is not None and want is not None:
                    print(repr(value))
            else:
                module = ast.Module(body=[stmt], type_ignores=[])
                exec(compile(module, str(block.path), "exec"), namespace)
        printed.write(got.getvalue())
        if want is not None:
            assert matches(want, got.getvalue()), (
                f"{block.path.name}:{stmt.lineno}: the docs say it prints\n{want}but it prints\n"
                f"{got.getvalue()}"
            )
    _call_tests(namespace, before, tmp)
    if block.shown_output is not None:
        assert matches(block.shown_output, printed.getvalue()), (
            f"{block.where}: the text block below says\n{block.shown_output}but the code prints\n"
            f"{printed.getvalue()}"
        )
