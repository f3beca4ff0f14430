"""Package metadata: the version comes from the installed distribution, package data exists."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import tomllib

import langchain_gemini_vision

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_the_installed_distributions() -> None:
    assert langchain_gemini_vision.__version__ == metadata.version("langchain-gemini-vision")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert langchain_gemini_vision.__version__ == project["version"]


def test_a_checkout_that_is_not_installed_still_imports() -> None:
    # Simulate a source tree on sys.path without installed metadata, in a fresh interpreter.
    code = (
        "import importlib.metadata as m\n"
        "def missing(name):\n"
        "    raise m.PackageNotFoundError(name)\n"
        "m.version = missing\n"
        "import langchain_gemini_vision as p\n"
        "print(p.__version__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0.0.0+unknown"


def test_every_package_data_pattern_matches_a_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        folder = ROOT / package.replace(".", "/")
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: {pattern} ships nothing"


def test_no_stray_merge_leftovers_in_the_package() -> None:
    leftovers = [
        p for p in (ROOT / "langchain_gemini_vision").rglob("*") if p.suffix in {".orig", ".rej"}
    ]
    assert leftovers == []
