"""What names a File API file: ``files/<id>``, its https URI, a ``GeminiFile`` or an SDK File."""

from __future__ import annotations

from typing import Any

from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._prepare import file_api_name
from langchain_gemini_vision.types import GeminiFile

FileRef = Any
"""A File API file: ``files/<id>``, its https URI, a ``GeminiFile`` or a ``google.genai`` File."""


def name_of(file: FileRef) -> str:
    """``files/<id>`` for any accepted file reference."""
    if isinstance(file, GeminiFile):
        return file.name
    if isinstance(file, str):
        name = file_api_name(file)
        if name:
            return name
        raise InvalidRequestError(
            f"{file[:100]!r} is not a Gemini File API name: expected 'files/<id>' or "
            "'https://generativelanguage.googleapis.com/v1beta/files/<id>'."
        )
    name = getattr(file, "name", None)
    if isinstance(name, str) and name.startswith("files/"):
        return name
    raise InvalidRequestError(f"Cannot use a {type(file).__name__} as a File API file.")
