"""What a job remembers about each item (persisted in the job file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItemRecord:
    """One item of a job.

    Attributes:
        key: The item's key (unique in the job).
        index: The input position of the request it came from (a video's windows share one).
        kind: ``caption``, ``detect``, ``video_question`` or ``transcribe_window``.
        context: What the parser needs (JSON): display size, default label, warnings, window.
    """

    key: str
    index: int
    kind: str
    context: dict[str, Any]
