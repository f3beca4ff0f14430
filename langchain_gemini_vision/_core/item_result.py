"""One slot of a many-item run (batch job or bounded concurrent calls): a result or its error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from langchain_gemini_vision.errors import GeminiVisionError

R = TypeVar("R")


@dataclass(frozen=True)
class ItemResult(Generic[R]):
    """One item's outcome, in input order.

    Attributes:
        key: The item's key (batch jobs: the request key; concurrent calls: the index as text).
        index: Its position in the input.
        result: The parsed result, or None when the item failed.
        error: Why the item has no result (the other items are unaffected).
    """

    key: str
    index: int
    result: R | None = None
    error: GeminiVisionError | None = None

    @property
    def ok(self) -> bool:
        """True when the item has a result."""
        return self.result is not None
