"""The package keeps the shape docs/architecture.md describes: small modules, no strays."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "langchain_gemini_vision"
MAX_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PACKAGE)) for m in MODULES])
def test_no_module_is_over_400_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(PACKAGE)} has {lines} lines: split it"


def test_no_stray_files_in_the_package() -> None:
    strays = [
        p.relative_to(PACKAGE)
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix in {".orig", ".rej", ".bak", ".tmp"}
    ]
    assert strays == []


def test_every_folder_is_a_package_that_says_what_it_is() -> None:
    folders = [p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"]
    for folder in folders:
        init = folder / "__init__.py"
        assert init.exists(), f"{folder.relative_to(PACKAGE)} is not a package"
        assert init.read_text(encoding="utf-8").lstrip().startswith('"""'), init
