"""The ``gemini-vision`` command line.

Re-exports :mod:`langchain_gemini_vision.cli._main`.
"""

from langchain_gemini_vision.cli._main import (
    build_parser,
    main,
)

__all__ = [
    "build_parser",
    "main",
]
